package dev.sluice.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.openai.Json;
import dev.sluice.stream.SseEvent;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * What a client has received of one stream, across the connections it took: the text, the
 * completion id, and the id of the last complete event, which is where a resume starts. Events
 * arrive only complete (the parser never dispatches one a dropped connection cut off); for a
 * resumable stream, one already counted is skipped, so no text is delivered twice. Not thread-safe:
 * one stream, one reading thread.
 */
final class StreamProgress {
  private final Consumer<String> onText;
  private final boolean resumable;
  private final StringBuilder text = new StringBuilder();
  private String completionId;
  private long lastEventId = -1;
  private boolean numbered;
  private boolean done;

  /**
   * @param resumable skip events whose id is not past the last one: Sluice numbers a stream's
   *     events 0, 1, 2... across resumes, while other servers' ids need not grow
   */
  StreamProgress(Consumer<String> onText, boolean resumable) {
    this.onText = onText;
    this.resumable = resumable;
  }

  /** One complete event: its text goes to the callback unless it was delivered already. */
  void accept(SseEvent event) {
    long id = -1;
    if (event.id() != null) {
      try {
        id = Long.parseLong(event.id().strip());
        numbered = true;
      } catch (NumberFormatException notOurs) {
        // Not Sluice's numbering: such a stream cannot be resumed, but it can be read.
      }
      if (resumable && id >= 0 && id <= lastEventId) {
        return;
      }
    }
    if (event.data().equals("[DONE]")) {
      done = true;
    } else {
      JsonNode chunk = chunk(event);
      if (completionId == null && chunk.path("id").isTextual()) {
        completionId = chunk.path("id").asText();
      }
      JsonNode content = chunk.path("choices").path(0).path("delta").path("content");
      if (content.isTextual() && !content.asText().isEmpty()) {
        text.append(content.asText());
        onText.accept(content.asText());
      }
    }
    if (id >= 0) {
      lastEventId = id;
    }
  }

  private static JsonNode chunk(SseEvent event) {
    JsonNode chunk;
    try {
      chunk = Json.MAPPER.readTree(event.data());
    } catch (IOException e) {
      throw new ChatClientException(200, "the server sent a malformed event: " + event.data());
    }
    if (chunk.has("error")) {
      throw new ChatClientException(
          200, chunk.path("error").path("message").asText("stream error"));
    }
    return chunk;
  }

  String text() {
    return text.toString();
  }

  /** The completion id, known from the first complete event; null before it. */
  String completionId() {
    return completionId;
  }

  /** The id of the last complete event, -1 before the first: the resume's Last-Event-ID. */
  long lastEventId() {
    return lastEventId;
  }

  /** Whether events carry ids, without which a resume cannot say where it broke off. */
  boolean numbered() {
    return numbered;
  }

  /** Whether {@code data: [DONE]} arrived. */
  boolean done() {
    return done;
  }
}
