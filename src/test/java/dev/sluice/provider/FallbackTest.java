package dev.sluice.provider;

import static dev.sluice.provider.FailoverTestSupport.chat;
import static dev.sluice.provider.FailoverTestSupport.closedPort;
import static dev.sluice.provider.FailoverTestSupport.content;
import static dev.sluice.provider.FailoverTestSupport.events;
import static dev.sluice.provider.FailoverTestSupport.json;
import static dev.sluice.provider.FailoverTestSupport.metric;
import static dev.sluice.provider.FailoverTestSupport.mock;
import static dev.sluice.provider.FailoverTestSupport.openai;
import static dev.sluice.provider.FailoverTestSupport.post;
import static dev.sluice.provider.FailoverTestSupport.retries;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.SluiceServer;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.Resilience;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fallbacks, end to end: when a model's retries are spent (refused connections, a stalled upstream,
 * the mock told to refuse) the next model in {@code fallbacks} serves, and the response says which.
 */
@Timeout(10)
class FallbackTest {
  private FakeUpstream backup;
  private SluiceServer server;

  @BeforeAll
  static void warmUp() throws Exception {
    ProviderTestSupport.warmUp();
    FailoverTestSupport.warmUpServer();
  }

  @BeforeEach
  void startBackup() throws IOException {
    backup = FakeUpstream.start();
    backup.script(FakeUpstream.Response.sse(OpenAiFixtures.textReply()));
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    backup.close();
  }

  @Test
  void aRefusedPrimaryFallsBackAndTheHeaderNamesTheModelThatServed() throws IOException {
    server =
        FailoverTestSupport.start(
            openai("primary", closedPort(), retries(2, "backup")),
            openai("backup", backup.baseUrl(), retries(2)));

    HttpResponse<String> streamed = post(server, chat("primary", true, null));
    HttpResponse<String> whole = post(server, chat("primary", false, null));

    assertThat(streamed.statusCode()).isEqualTo(200);
    assertThat(streamed.headers().firstValue("X-Sluice-Model")).hasValue("backup");
    List<String> events = events(streamed.body());
    assertThat(content(events)).isEqualTo(OpenAiFixtures.TEXT);
    assertThat(events).last().isEqualTo("[DONE]");
    assertThat(json(events.get(0)).get("model").asText())
        .as("the chunks name the model the client asked for")
        .isEqualTo("primary");
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.headers().firstValue("X-Sluice-Model")).hasValue("backup");
    assertThat(json(whole.body()).at("/choices/0/message/content").asText())
        .isEqualTo(OpenAiFixtures.TEXT);

    assertThat(backup.chatRequests()).isEqualTo(2);
    assertThat(metric(server, "sluice_upstream_retries_total{model=\"primary\"}"))
        .isEqualTo(OptionalDouble.of(2)); // one retry per request
    assertThat(metric(server, "sluice_fallbacks_total{from=\"primary\",to=\"backup\"}"))
        .isEqualTo(OptionalDouble.of(2));
  }

  @Test
  void whenEveryModelFailsTheLastOnesErrorIsRelayed() throws IOException {
    backup.script(
        FakeUpstream.Response.status(
            503,
            "application/json",
            OpenAiFixtures.errorBody("server_error", null, "the backup is down too")));
    server =
        FailoverTestSupport.start(
            openai("primary", closedPort(), retries(2, "backup")),
            openai("backup", backup.baseUrl(), retries(2)));

    HttpResponse<String> response = post(server, chat("primary", true, null));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(json(response.body()).at("/error/message").asText())
        .isEqualTo("the backup is down too");
    assertThat(backup.chatRequests()).isEqualTo(2);
  }

  @Test
  void aMockToldToFailWithAStatusFallsBackToTheMock() {
    server = FailoverTestSupport.start(mock("flaky", retries(2, "mock")), ModelConfig.mock());

    HttpResponse<String> response =
        post(
            server,
            chat(
                "flaky",
                true,
                "{\"fail_status\":503,\"text\":\"Served by the fallback.\",\"interval_ms\":0}"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Sluice-Model")).hasValue("mock");
    assertThat(content(events(response.body()))).isEqualTo("Served by the fallback.");
    assertThat(metric(server, "sluice_upstream_retries_total{model=\"flaky\"}"))
        .isEqualTo(OptionalDouble.of(1));
    assertThat(metric(server, "sluice_fallbacks_total{from=\"flaky\",to=\"mock\"}"))
        .isEqualTo(OptionalDouble.of(1));
  }

  @Test
  void aMockAnswering429WithoutFallbacksRelaysTheRateLimit() {
    server = FailoverTestSupport.start(mock("flaky", retries(2)));

    HttpResponse<String> response =
        post(server, chat("flaky", false, "{\"fail_status\":429,\"interval_ms\":0}"));

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(json(response.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
    assertThat(metric(server, "sluice_upstream_retries_total{model=\"flaky\"}"))
        .as("429 is retryable")
        .isEqualTo(OptionalDouble.of(1));
  }

  @Test
  void anUpstreamStalledBeforeItsFirstTokenIsCutRetriedThenReplaced() throws Exception {
    try (FakeUpstream stalled = FakeUpstream.start()) {
      // The first attempt gets headers and the empty role delta, which is not a token; the second
      // only headers. Both then say nothing.
      String roleOnly = OpenAiFixtures.truncatedTextReply(0);
      stalled.then(FakeUpstream.Response.hang(roleOnly)).script(FakeUpstream.Response.stall());
      Resilience quick =
          retries(2, "backup").withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(60));
      server =
          FailoverTestSupport.start(
              openai("primary", stalled.baseUrl(), quick),
              openai("backup", backup.baseUrl(), retries(1)));

      long start = System.nanoTime();
      HttpResponse<String> response = post(server, chat("primary", true, null));
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-Sluice-Model")).hasValue("backup");
      assertThat(content(events(response.body()))).isEqualTo(OpenAiFixtures.TEXT);
      assertThat(stalled.chatRequests()).isEqualTo(2);
      assertThat(elapsed).isBetween(Duration.ofMillis(600), Duration.ofMillis(2500));
      assertThat(stalled.clientClosed().await(5, TimeUnit.SECONDS))
          .as("the stalled upstream's connections were closed")
          .isTrue();
      assertThat(metric(server, "sluice_fallbacks_total{from=\"primary\",to=\"backup\"}"))
          .isEqualTo(OptionalDouble.of(1));
    }
  }
}
