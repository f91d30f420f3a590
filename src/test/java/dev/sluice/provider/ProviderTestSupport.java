package dev.sluice.provider;

import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.ChatRequestParser;
import dev.sluice.openai.StreamEvent;
import dev.sluice.openai.TokenCounter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Small helpers shared by the provider tests: requests from JSON, and draining a stream. */
final class ProviderTestSupport {
  private static final ChatRequestParser PARSER = new ChatRequestParser();

  /**
   * One counter for all tests: each instance loads the o200k encoding on first use (about half a
   * second), as the server does once at startup.
   */
  static final TokenCounter TOKENS = new TokenCounter();

  private ProviderTestSupport() {}

  /**
   * Pays the JVM's one-time costs outside the timed tests (a second or two on a cold JVM): the
   * token encoding, Jackson's first mapper, and java.net.http's first exchange, here a {@code GET
   * /v1/models} to a fake upstream. Idempotent.
   */
  static synchronized void warmUp() throws IOException, InterruptedException {
    if (!warm) {
      TOKENS.count("warm up");
      OpenAiFixtures.textReply();
      try (FakeUpstream upstream = FakeUpstream.start();
          HttpClient client = HttpClient.newHttpClient()) {
        HttpResponse<Void> models =
            client.send(
                HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/models")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (models.statusCode() != 200) {
          throw new AssertionError("the fake upstream's GET /v1/models: " + models.statusCode());
        }
      }
      warm = true;
    }
  }

  private static boolean warm;

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
