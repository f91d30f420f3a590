package dev.sluice.api;

import dev.sluice.error.AuthenticationException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Requires {@code Authorization: Bearer <key>} when a key is configured. The comparison takes
 * constant time, and the key never appears in a message or a log.
 */
final class ApiKeyCheck {
  private final byte[] expected;

  ApiKeyCheck(String key) {
    this.expected = ("Bearer " + key).getBytes(StandardCharsets.UTF_8);
  }

  void check(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      throw new AuthenticationException(
          "You didn't provide an API key. Send it in an Authorization header as 'Bearer YOUR_KEY'.");
    }
    if (!MessageDigest.isEqual(expected, header.strip().getBytes(StandardCharsets.UTF_8))) {
      throw new AuthenticationException(
          "Incorrect API key provided. Use the key configured as SLUICE_API_KEY or server.api_key.");
    }
  }
}
