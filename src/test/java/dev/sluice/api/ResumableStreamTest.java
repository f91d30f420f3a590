package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.StreamsConfig;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Event ids, resuming after Last-Event-ID, retention, heartbeats and stalled clients. */
class ResumableStreamTest {
  private static final Pattern EVENT = Pattern.compile("id: (\\d+)\ndata: (.*)\n\n");
  private static SluiceServer server;
  private static HttpClient client;

  @BeforeAll
  static void start() {
    StreamsConfig streams =
        new StreamsConfig(
            Duration.ofMillis(150), Duration.ofMillis(800), 64 * 1024, Duration.ofSeconds(5));
    server =
        SluiceServer.start(
            new SluiceConfig(
                new ServerConfig("127.0.0.1", 0, null, ServerConfig.DEFAULT_MAX_BODY_BYTES),
                streams,
                List.of(ModelConfig.mock()),
                "test"));
    client = TestHttp.client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String body(String mock, boolean resumable) {
    return """
        {"model":"mock","stream":true,"messages":[{"role":"user","content":"Tell me"}],
         "sluice":{"resumable":%s,"mock":{%s}}}"""
        .formatted(resumable, mock);
  }

  private record Event(long id, String data) {}

  private static List<Event> events(String body) {
    List<Event> events = new ArrayList<>();
    Matcher m = EVENT.matcher(body);
    while (m.find()) {
      events.add(new Event(Long.parseLong(m.group(1)), m.group(2)));
    }
    return events;
  }

  private static String content(List<Event> events) {
    StringBuilder text = new StringBuilder();
    for (Event e : events) {
      if (e.data().startsWith("{")) {
        text.append(TestHttp.json(e.data()).at("/choices/0/delta/content").asText(""));
      }
    }
    return text.toString();
  }

  private static String expectedText(String mock) {
    String request =
        """
        {"model":"mock","messages":[{"role":"user","content":"Tell me"}],"sluice":{"mock":{%s}}}"""
            .formatted(mock);
    return TestHttp.json(TestHttp.post(client, server, request).body())
        .at("/choices/0/message/content")
        .asText();
  }

  /** Reads the first {@code count} events of a stream, then drops the connection. */
  private static List<Event> readThenDrop(String body, int count) throws Exception {
    HttpRequest request = TestHttp.postJson(server, "/v1/chat/completions", body).build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    List<Event> events = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      while (events.size() < count) {
        String id = in.readLine();
        String data = in.readLine();
        in.readLine();
        events.add(new Event(Long.parseLong(id.substring(4)), data.substring(6)));
      }
    }
    return events;
  }

  private static HttpResponse<String> resume(String id, String lastEventId) {
    HttpRequest.Builder request =
        TestHttp.request(server, "/v1/chat/completions/" + id + "/stream").GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return TestHttp.send(client, request.build());
  }

  @Test
  void aDroppedResumableStreamGoesOnAndResumesAfterTheLastEventId() throws Exception {
    String mock = "\"tokens\":30,\"interval_ms\":15";
    List<Event> first = readThenDrop(body(mock, true), 3);
    String id = TestHttp.json(first.getFirst().data()).get("id").asText();
    assertThat(first).extracting(Event::id).containsExactly(0L, 1L, 2L);

    HttpResponse<String> rest = resume(id, "2");
    assertThat(rest.statusCode()).isEqualTo(200);
    assertThat(rest.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    List<Event> after = events(rest.body());
    assertThat(after.getFirst().id()).isEqualTo(3);
    for (int i = 1; i < after.size(); i++) {
      assertThat(after.get(i).id()).isEqualTo(after.get(i - 1).id() + 1);
    }
    assertThat(after.getLast().data()).isEqualTo("[DONE]");
    List<Event> all = new ArrayList<>(first);
    all.addAll(after);
    assertThat(content(all)).isEqualTo(expectedText(mock));
  }

  @Test
  void afterQueryParameterAndNoIdAtAllWork() throws Exception {
    String mock = "\"tokens\":12,\"interval_ms\":0";
    String id =
        TestHttp.json(readThenDrop(body(mock, true), 1).getFirst().data()).get("id").asText();
    HttpResponse<String> whole = resume(id, null);
    assertThat(events(whole.body()).getFirst().id()).isZero();
    assertThat(content(events(whole.body()))).isEqualTo(expectedText(mock));

    HttpResponse<String> fromQuery =
        TestHttp.send(
            client,
            TestHttp.request(server, "/v1/chat/completions/" + id + "/stream?after=1")
                .GET()
                .build());
    assertThat(events(fromQuery.body()).getFirst().id()).isEqualTo(2);
  }

  @Test
  void unknownNonResumableAndExpiredStreamsAre404() throws Exception {
    TestHttp.assertOpenAiError(resume("chatcmpl-nope", "3"), 404, "invalid_request_error");

    String plain =
        TestHttp.post(client, server, body("\"tokens\":3,\"interval_ms\":0", false)).body();
    String plainId = TestHttp.json(events(plain).getFirst().data()).get("id").asText();
    JsonNode error = TestHttp.assertOpenAiError(resume(plainId, "0"), 404, "invalid_request_error");
    assertThat(error.get("code").asText()).isEqualTo("stream_not_found");

    String done =
        TestHttp.post(client, server, body("\"tokens\":3,\"interval_ms\":0", true)).body();
    String doneId = TestHttp.json(events(done).getFirst().data()).get("id").asText();
    assertThat(resume(doneId, "0").statusCode()).isEqualTo(200);
    // Retention is 800 ms in this server's config.
    await().atMost(Duration.ofSeconds(5)).until(() -> resume(doneId, "0").statusCode() == 404);
  }

  @Test
  void badResumeInputIsA400NamingTheField() throws Exception {
    String id =
        TestHttp.json(
                readThenDrop(body("\"tokens\":3,\"interval_ms\":0", true), 1).getFirst().data())
            .get("id")
            .asText();
    JsonNode error = TestHttp.assertOpenAiError(resume(id, "abc"), 400, "invalid_request_error");
    assertThat(error.get("param").asText()).isEqualTo("Last-Event-ID");
    JsonNode type =
        TestHttp.assertOpenAiError(
            TestHttp.post(
                client,
                server,
                body("", false).replace("\"resumable\":false", "\"resumable\":\"yes\"")),
            400,
            "invalid_request_error");
    assertThat(type.get("param").asText()).isEqualTo("sluice.resumable");
  }

  @Test
  void silenceLongerThanTheHeartbeatSendsKeepAliveComments() {
    // Heartbeat 150 ms in this server; the mock pauses 400 ms between tokens.
    String stream =
        TestHttp.post(client, server, body("\"tokens\":3,\"interval_ms\":400", false)).body();
    assertThat(stream).contains("\n\n: keep-alive\n\n");
    assertThat(content(events(stream))).isEqualTo(expectedText("\"tokens\":3,\"interval_ms\":400"));
  }

  @Test
  void aClientThatStopsReadingIsDroppedAndItsUpstreamCancelled() throws Exception {
    HttpRequest request =
        TestHttp.postJson(
                server, "/v1/chat/completions", body("\"tokens\":100000,\"interval_ms\":0", false))
            .build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream unread = response.body()) {
      assertThat(response.statusCode()).isEqualTo(200);
      // Nothing is read: the socket buffers fill, the 64 KiB stream budget overflows, and the
      // producer gives up instead of generating 100,000 tokens into memory.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> server.metrics().scrape().contains("outcome=\"client_gone\""));
      await().atMost(Duration.ofSeconds(20)).until(() -> server.metrics().activeStreams() == 0);
    }
  }
}
