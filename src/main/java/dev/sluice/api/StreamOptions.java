package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.ModelConfig;
import dev.sluice.error.InvalidRequestException;
import dev.sluice.openai.ChatRequest;
import dev.sluice.stream.Chunking;
import dev.sluice.stream.ChunkingPolicy;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;

/**
 * Resolves a request's Sluice options ({@code "sluice": {...}} in the body, {@code
 * X-Sluice-Chunking} header) over the model's configured defaults. The body wins over the header,
 * which wins over the model's config. Every problem is a 400 naming the field.
 */
final class StreamOptions {
  static final String CHUNKING_HEADER = "X-Sluice-Chunking";
  private static final Set<String> KEYS = Set.of("mock", "chunking", "max_delay_ms", "resumable");

  private StreamOptions() {}

  /** Rejects unknown {@code sluice.*} keys: they are typos, and silently ignoring them misleads. */
  static void checkKeys(ChatRequest request) {
    for (Iterator<String> it = request.sluice().fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new InvalidRequestException(
            "sluice." + key,
            "Unknown option 'sluice."
                + key
                + "'. Sluice accepts: chunking, max_delay_ms, mock, resumable.");
      }
    }
  }

  /** {@code sluice.resumable}: keep the stream's events so that a dropped client can resume. */
  static boolean resumable(ChatRequest request) {
    JsonNode node = request.sluice().get("resumable");
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw new InvalidRequestException(
          "sluice.resumable", "Invalid type for 'sluice.resumable': expected a boolean.");
    }
    return node.asBoolean();
  }

  static Chunking chunking(ChatRequest request, ModelConfig model, String header) {
    Chunking configured = model.chunking();
    ChunkingPolicy policy = configured.policy();
    if (header != null && !header.isBlank()) {
      policy = policy(header, CHUNKING_HEADER);
    }
    JsonNode name = request.sluice().get("chunking");
    if (name != null && !name.isNull()) {
      if (!name.isTextual()) {
        throw new InvalidRequestException(
            "sluice.chunking",
            "Invalid type for 'sluice.chunking': expected a string: raw, word, sentence or line.");
      }
      policy = policy(name.asText(), "sluice.chunking");
    }
    Duration maxDelay = configured.maxDelay();
    JsonNode delay = request.sluice().get("max_delay_ms");
    if (delay != null && !delay.isNull()) {
      if (!delay.isIntegralNumber() || delay.asLong() < 0 || delay.asLong() > 60_000) {
        throw new InvalidRequestException(
            "sluice.max_delay_ms",
            "Invalid value for 'sluice.max_delay_ms': "
                + delay
                + ". Expected an integer number of milliseconds from 0 to 60000.");
      }
      maxDelay = Duration.ofMillis(delay.asLong());
    }
    return new Chunking(policy, maxDelay);
  }

  private static ChunkingPolicy policy(String name, String field) {
    try {
      return ChunkingPolicy.parse(name);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          field,
          "Invalid value for '"
              + field
              + "': '"
              + name
              + "'. Expected one of: raw, word, sentence, line.");
    }
  }
}
