package dev.sluice.openai;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.error.UpstreamException;
import java.util.function.Consumer;

/**
 * Reads the {@code data:} payload of an upstream {@code chat.completion.chunk} into events: the
 * first choice's content, tool-call fragments and finish reason, and the usage when present. An
 * {@code {"error": ...}} payload is thrown as the upstream's error. Stateless and thread-safe.
 */
public final class ChunkDecoder {
  private ChunkDecoder() {}

  /** Decodes one payload, passing its events to {@code out} in wire order. */
  public static void decode(String payload, Consumer<StreamEvent> out) {
    JsonNode chunk;
    try {
      chunk = Json.MAPPER.readTree(payload);
    } catch (JacksonException e) {
      throw new UpstreamException(
          502, "The upstream sent a malformed stream chunk: " + e.getOriginalMessage(), e);
    }
    if (chunk == null || !chunk.isObject()) {
      throw new UpstreamException(
          502, "The upstream sent a stream chunk that is not an object", null);
    }
    JsonNode error = chunk.get("error");
    if (error != null && !error.isNull()) {
      throw new UpstreamException(
          502,
          error.path("type").asText("upstream_error"),
          error.path("code").isNull() ? null : error.path("code").asText(null),
          null,
          "The upstream reported an error mid-stream: "
              + error.path("message").asText(error.toString()));
    }
    JsonNode choice = chunk.path("choices").path(0);
    JsonNode delta = choice.path("delta");
    JsonNode content = delta.get("content");
    if (content != null && content.isTextual()) {
      out.accept(new StreamEvent.Text(content.asText()));
    }
    for (JsonNode call : delta.path("tool_calls")) {
      JsonNode function = call.path("function");
      out.accept(
          new StreamEvent.ToolCall(
              call.path("index").asInt(0),
              text(call.get("id")),
              text(function.get("name")),
              text(function.get("arguments"))));
    }
    String finish = text(choice.get("finish_reason"));
    if (finish != null) {
      out.accept(new StreamEvent.Finish(finish));
    }
    JsonNode usage = chunk.get("usage");
    if (usage != null && usage.isObject()) {
      out.accept(
          new StreamEvent.Usage(
              usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0)));
    }
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
