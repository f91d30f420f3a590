package dev.sluice.api;

import static dev.sluice.api.TestHttp.assertOpenAiError;
import static dev.sluice.api.TestHttp.get;
import static dev.sluice.api.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /health, /ready, /v1/models and /metrics, on a server with only the mock and on one whose second
 * model's upstream is a closed port.
 */
class OpsEndpointsTest {
  private static final String STREAM_REQUEST =
      """
      {"model":"mock","stream":true,"stream_options":{"include_usage":true},
       "messages":[{"role":"user","content":"metrics"}],
       "sluice":{"mock":{"interval_ms":0,"tokens":5}}}""";

  private static SluiceServer server;
  private static SluiceServer broken;
  private static final HttpClient client = TestHttp.client();

  @BeforeAll
  static void start() throws IOException {
    server = SluiceServer.start(TestHttp.mockConfig());
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    ModelConfig unreachable =
        new ModelConfig(
            "broken",
            "openai",
            null,
            URI.create("http://127.0.0.1:" + closedPort + "/v1"),
            null,
            "An upstream that is not there",
            Duration.ofSeconds(2));
    broken =
        SluiceServer.start(
            TestHttp.config(
                null, ServerConfig.DEFAULT_MAX_BODY_BYTES, ModelConfig.mock(), unreachable));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (broken != null) {
      broken.close();
    }
  }

  @Test
  void healthIs200() {
    HttpResponse<String> response = get(client, server, "/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response.body()).get("status").asText()).isEqualTo("ok");
  }

  @Test
  void readyIs200WithOnlyTheMock() {
    HttpResponse<String> response = get(client, server, "/ready");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = json(response.body());
    assertThat(body.get("status").asText()).isEqualTo("ready");
    assertThat(body.get("upstreams")).isEmpty();
  }

  @Test
  void modelsListsTheMockInOpenAisListShape() {
    HttpResponse<String> response = get(client, server, "/v1/models");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode body = json(response.body());
    assertThat(body.get("object").asText()).isEqualTo("list");
    assertThat(body.get("data")).hasSize(1);
    JsonNode mock = body.get("data").get(0);
    assertThat(TestHttp.fieldNames(mock))
        .containsExactly("id", "object", "created", "owned_by", "description");
    assertThat(mock.get("id").asText()).isEqualTo("mock");
    assertThat(mock.get("object").asText()).isEqualTo("model");
    assertThat(mock.get("created").isIntegralNumber()).isTrue();
    assertThat(mock.get("created").asLong()).isPositive();
    assertThat(mock.get("owned_by").asText()).isEqualTo("sluice");
    assertThat(mock.get("description").asText()).isNotBlank();
  }

  @Test
  void oneModelByIdOr404() {
    HttpResponse<String> mock = get(client, server, "/v1/models/mock");
    HttpResponse<String> nope = get(client, server, "/v1/models/nope");

    assertThat(mock.statusCode()).isEqualTo(200);
    JsonNode model = json(mock.body());
    assertThat(model.get("id").asText()).isEqualTo("mock");
    assertThat(model.get("object").asText()).isEqualTo("model");
    assertThat(model).isEqualTo(json(get(client, server, "/v1/models").body()).at("/data/0"));
    JsonNode error = assertOpenAiError(nope, 404, "invalid_request_error");
    assertThat(error.get("code").asText()).isEqualTo("model_not_found");
    assertThat(error.get("message").asText()).contains("nope");
  }

  @Test
  void metricsCountAStreamedRequest() {
    double chunksBefore = value(scrape(server), "sluice_chunks_sent_total").orElse(0);
    double okBefore =
        value(scrape(server), "sluice_requests_total{model=\"mock\",status=\"200\"}").orElse(0);

    String body = TestHttp.post(client, server, STREAM_REQUEST).body();
    long events = body.lines().filter(l -> l.startsWith("data: {")).count();
    await().atMost(Duration.ofSeconds(5)).until(() -> server.metrics().activeStreams() == 0);
    String metrics = scrape(server);

    assertThat(events).as("role, 5 tokens, finish, usage").isEqualTo(8);
    assertThat(value(metrics, "sluice_active_streams")).hasValue(0);
    assertThat(value(metrics, "sluice_requests_total{model=\"mock\",status=\"200\"}"))
        .hasValue(okBefore + 1);
    assertThat(value(metrics, "sluice_chunks_sent_total")).hasValue(chunksBefore + events);
    assertThat(metrics)
        .containsPattern("(?m)^sluice_time_to_first_token_seconds_bucket\\{model=\"mock\",le=")
        .containsPattern("(?m)^sluice_time_to_first_token_seconds_count\\{model=\"mock\"} [1-9]")
        .contains("sluice_streams_total{model=\"mock\",outcome=\"completed\"}");
  }

  @Test
  void anUnreachableUpstreamIs502AndIsCounted() {
    String request =
        "{\"model\":\"broken\",\"stream\":%s,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    HttpResponse<String> whole = TestHttp.post(client, broken, request.formatted(false));
    HttpResponse<String> stream = TestHttp.post(client, broken, request.formatted(true));

    for (HttpResponse<String> response : java.util.List.of(whole, stream)) {
      JsonNode error = assertOpenAiError(response, 502, "upstream_error");
      assertThat(error.get("message").asText()).contains("broken");
    }
    String metrics = scrape(broken);
    assertThat(value(metrics, "sluice_upstream_errors_total{model=\"broken\"}")).hasValue(2);
    assertThat(value(metrics, "sluice_requests_total{model=\"broken\",status=\"502\"}"))
        .hasValue(2);
    assertThat(TestHttp.post(client, broken, TestHttp.GOOD_REQUEST).statusCode())
        .as("the mock on the same server still works")
        .isEqualTo(200);
  }

  @Test
  void readyIs503WhenAnUpstreamIsUnreachable() {
    HttpResponse<String> response = get(client, broken, "/ready");

    assertThat(response.statusCode()).isEqualTo(503);
    JsonNode body = json(response.body());
    assertThat(body.get("status").asText()).isEqualTo("unavailable");
    assertThat(body.get("upstreams")).hasSize(1);
    assertThat(body.at("/upstreams/0/model").asText()).isEqualTo("broken");
    assertThat(body.at("/upstreams/0/reachable").asBoolean(true)).isFalse();
  }

  private static String scrape(SluiceServer target) {
    HttpResponse<String> response = get(client, target, "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    return response.body();
  }

  /** The value of one series (name with its labels, exactly as exposed), if present. */
  private static OptionalDouble value(String metrics, String series) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
        .findFirst();
  }
}
