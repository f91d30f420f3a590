package dev.sluice.api;

import io.javalin.http.Context;
import java.util.concurrent.ThreadLocalRandom;

/** Request and completion ids, in the shapes OpenAI uses. */
final class RequestIds {
  static final String ATTRIBUTE = "sluice.request-id";
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private RequestIds() {}

  /** Gives the request an id, answered as {@code x-request-id} and named in logs. */
  static void assign(Context ctx) {
    String id = "req_" + random(24);
    ctx.attribute(ATTRIBUTE, id);
    ctx.header("x-request-id", id);
  }

  static String of(Context ctx) {
    String id = ctx.attribute(ATTRIBUTE);
    return id == null ? "unknown" : id;
  }

  static String completionId() {
    return "chatcmpl-" + random(29);
  }

  private static String random(int length) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(chars);
  }
}
