package dev.sluice.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.error.InvalidRequestException;
import java.util.Iterator;
import java.util.Set;

/**
 * The mock's per-request options, from {@code "sluice": {"mock": {...}}}.
 *
 * @param text the exact reply, or null to generate one
 * @param tokens how many tokens a generated reply has
 * @param intervalMs the pause between tokens (between deltas in messy mode)
 * @param messy emit what real providers emit: uneven deltas, empty ones, a character split across
 *     deltas, a first delta with empty content
 * @param failAfter after this many non-empty deltas the stream fails mid-stream with a 500 {@code
 *     server_error}, instead of going on; {@link #NEVER} for a stream that does not fail
 * @param failStatus open() refuses the request with this HTTP status (400 to 599), as an upstream's
 *     own error; {@link #NEVER} to accept it. Only when the mock serves the model the request
 *     names: a mock standing in as another model's fallback answers, which is what fallback tests
 *     need
 */
record MockOptions(
    String text, int tokens, int intervalMs, boolean messy, int failAfter, int failStatus) {
  static final int NEVER = -1;
  static final int DEFAULT_TOKENS = 40;

  /** About 50 tokens a second, the pace of a fast hosted model. */
  static final int DEFAULT_INTERVAL_MS = 20;

  private static final Set<String> KEYS =
      Set.of("text", "tokens", "interval_ms", "messy", "fail_after", "fail_status");

  static MockOptions from(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return new MockOptions(null, DEFAULT_TOKENS, DEFAULT_INTERVAL_MS, false, NEVER, NEVER);
    }
    if (!node.isObject()) {
      throw new InvalidRequestException(
          "sluice.mock", "Invalid type for 'sluice.mock': expected an object.");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new InvalidRequestException(
            "sluice.mock." + key,
            "Unknown option 'sluice.mock."
                + key
                + "'. The mock accepts: fail_after, fail_status, interval_ms, messy, text,"
                + " tokens.");
      }
    }
    JsonNode text = node.get("text");
    if (text != null && !text.isTextual()) {
      throw new InvalidRequestException(
          "sluice.mock.text", "Invalid type for 'sluice.mock.text': expected a string.");
    }
    JsonNode messy = node.get("messy");
    if (messy != null && !messy.isBoolean()) {
      throw new InvalidRequestException(
          "sluice.mock.messy", "Invalid type for 'sluice.mock.messy': expected a boolean.");
    }
    return new MockOptions(
        text == null ? null : text.asText(),
        intOption(node, "tokens", DEFAULT_TOKENS, 1, 100_000),
        intOption(node, "interval_ms", DEFAULT_INTERVAL_MS, 0, 60_000),
        messy != null && messy.asBoolean(),
        intOption(node, "fail_after", NEVER, 0, 100_000),
        intOption(node, "fail_status", NEVER, 400, 599));
  }

  private static int intOption(JsonNode node, String key, int fallback, int min, int max) {
    JsonNode value = node.get(key);
    if (value == null) {
      return fallback;
    }
    if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
      throw new InvalidRequestException(
          "sluice.mock." + key,
          "Invalid value for 'sluice.mock."
              + key
              + "': "
              + value
              + ". Expected an integer from "
              + min
              + " to "
              + max
              + ".");
    }
    return value.asInt();
  }
}
