package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * java.net.http with HTTP/2 preferred sends {@code Connection: Upgrade, HTTP2-Settings} and {@code
 * Upgrade: h2c} on the first request to a plain-http host. Whether the server ignores the upgrade
 * or accepts it, the answer must be right. Each request here is the first of a new client, so each
 * carries the upgrade headers.
 */
class H2cUpgradeTest {
  private static final String REQUEST =
      """
      {"model":"mock","stream":%s,"messages":[{"role":"user","content":"h2c please"}],
       "sluice":{"mock":{"interval_ms":0,"tokens":15}}}""";

  private static SluiceServer server;

  @BeforeAll
  static void start() {
    server = SluiceServer.start(TestHttp.mockConfig());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static HttpClient h2Client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_2)
        .connectTimeout(TestHttp.TIMEOUT)
        .build();
  }

  private static HttpRequest chat(boolean stream) {
    return TestHttp.postJson(server, "/v1/chat/completions", REQUEST.formatted(stream)).build();
  }

  private static String completionText() throws Exception {
    try (HttpClient client = h2Client()) {
      HttpResponse<String> response =
          client.send(chat(false), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.version()).isIn(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2);
      JsonNode completion = TestHttp.json(response.body());
      assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
      assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
      return completion.at("/choices/0/message/content").asText();
    }
  }

  @Test
  void nonStreamingRequestIsAnswered() throws Exception {
    assertThat(completionText()).isNotBlank();
  }

  @Test
  void streamingRequestIsAnsweredAsSse() throws Exception {
    List<String> lines = new ArrayList<>();
    try (HttpClient client = h2Client()) {
      HttpResponse<Stream<String>> response =
          client.send(chat(true), HttpResponse.BodyHandlers.ofLines());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
      try (Stream<String> body = response.body()) {
        body.forEach(lines::add);
      }
    }

    StringBuilder content = new StringBuilder();
    List<String> nonEmpty = lines.stream().filter(l -> !l.isEmpty()).toList();
    assertThat(nonEmpty).allSatisfy(l -> assertThat(l).matches("(id: \\d+|data: .*)"));
    List<String> events = nonEmpty.stream().filter(l -> l.startsWith("data: ")).toList();
    assertThat(events).last().isEqualTo("data: [DONE]");
    for (String event : events.subList(0, events.size() - 1)) {
      content.append(TestHttp.json(event.substring(6)).at("/choices/0/delta/content").asText());
    }
    assertThat(content.toString()).isEqualTo(completionText());
  }

  @Test
  void aClientKeepsWorkingAfterItsUpgradeAttempt() throws Exception {
    try (HttpClient client = h2Client()) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> stream = client.send(chat(true), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> whole = client.send(chat(false), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> models =
            client.send(
                TestHttp.request(server, "/v1/models").GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).endsWith("data: [DONE]\n\n");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.body()).contains("\"id\":\"mock\"");
      }
    }
  }
}
