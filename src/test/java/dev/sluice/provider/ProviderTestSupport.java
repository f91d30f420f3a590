package dev.sluice.provider;

import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.ChatRequestParser;
import dev.sluice.openai.StreamEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Small helpers shared by the provider tests: requests from JSON, and draining a stream. */
final class ProviderTestSupport {
  private static final ChatRequestParser PARSER = new ChatRequestParser();

  private ProviderTestSupport() {}

  /** A request parsed exactly as Sluice parses a client's body. */
  static ChatRequest request(String json) {
    return PARSER.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  /** A one-message request for {@code model} with extra top-level fields appended. */
  static ChatRequest chat(String model, String userText, String extraFields) {
    String extra = extraFields.isEmpty() ? "" : ", " + extraFields;
    return request(
        "{\"model\":\""
            + model
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + userText
            + "\"}]"
            + extra
            + "}");
  }

  /** Pulls events until {@code next()} returns null, then closes the stream. */
  static List<StreamEvent> drain(UpstreamStream stream) throws InterruptedException {
    List<StreamEvent> events = new ArrayList<>();
    try (stream) {
      for (StreamEvent e = stream.next(); e != null; e = stream.next()) {
        events.add(e);
      }
    }
    return events;
  }

  static List<String> texts(List<StreamEvent> events) {
    List<String> texts = new ArrayList<>();
    for (StreamEvent e : events) {
      if (e instanceof StreamEvent.Text t) {
        texts.add(t.text());
      }
    }
    return texts;
  }

  static String text(List<StreamEvent> events) {
    return String.join("", texts(events));
  }

  static List<String> finishReasons(List<StreamEvent> events) {
    return events.stream()
        .filter(StreamEvent.Finish.class::isInstance)
        .map(e -> ((StreamEvent.Finish) e).reason())
        .toList();
  }

  static StreamEvent.Usage usage(List<StreamEvent> events) {
    return events.stream()
        .filter(StreamEvent.Usage.class::isInstance)
        .map(StreamEvent.Usage.class::cast)
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no Usage event in " + events));
  }
}
