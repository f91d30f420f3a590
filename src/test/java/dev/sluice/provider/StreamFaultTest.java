package dev.sluice.provider;

import static dev.sluice.provider.FailoverTestSupport.chat;
import static dev.sluice.provider.FailoverTestSupport.content;
import static dev.sluice.provider.FailoverTestSupport.events;
import static dev.sluice.provider.FailoverTestSupport.json;
import static dev.sluice.provider.FailoverTestSupport.mock;
import static dev.sluice.provider.FailoverTestSupport.openai;
import static dev.sluice.provider.FailoverTestSupport.post;
import static dev.sluice.provider.FailoverTestSupport.retries;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.SluiceServer;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.Resilience;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failures after the first token, end to end: the 200 is sent, so the stream ends with an in-stream
 * {@code data: {"error": {...}}} in OpenAI's shape and closes without {@code [DONE]}; nothing is
 * retried (the client already has part of the answer).
 */
@Timeout(10)
class StreamFaultTest {
  private FakeUpstream upstream;
  private SluiceServer server;

  @BeforeAll
  static void warmUp() throws Exception {
    ProviderTestSupport.warmUp();
    FailoverTestSupport.warmUpServer();
  }

  @BeforeEach
  void startUpstream() throws IOException {
    upstream = FakeUpstream.start();
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    upstream.close();
  }

  private void serve(Resilience resilience) {
    server = FailoverTestSupport.start(openai("gpt-test", upstream.baseUrl(), resilience));
  }

  /** Asserts a stream cut by an error: text first, then one error event last, no [DONE]. */
  private static JsonNode assertCutWithError(HttpResponse<String> response, String text) {
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).doesNotContain("[DONE]");
    List<String> events = events(response.body());
    assertThat(content(events.subList(0, events.size() - 1))).isEqualTo(text);
    JsonNode last = json(events.getLast());
    assertThat(FailoverTestSupport.fieldNames(last)).containsExactly("error");
    JsonNode error = last.get("error");
    assertThat(FailoverTestSupport.fieldNames(error))
        .containsExactly("message", "type", "param", "code");
    return error;
  }

  @Test
  void anUpstreamStalledAfterItsFirstTokenIsCutByTheIdleTimeout() throws Exception {
    upstream.script(FakeUpstream.Response.hang(OpenAiFixtures.truncatedTextReply(2)));
    serve(retries(3).withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300)));

    long start = System.nanoTime();
    HttpResponse<String> response = post(server, chat("gpt-test", true, null));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    JsonNode error = assertCutWithError(response, "Hello!");
    assertThat(error.get("message").asText())
        .isEqualTo("The upstream sent nothing for 300 ms; the stream was cut.");
    assertThat(error.get("type").asText()).isEqualTo("upstream_error");
    assertThat(error.get("code").asText()).isEqualTo("upstream_timeout");
    assertThat(elapsed).isBetween(Duration.ofMillis(300), Duration.ofMillis(2500));
    assertThat(upstream.clientClosed().await(5, TimeUnit.SECONDS))
        .as("the stalled upstream connection was closed")
        .isTrue();
    assertThat(upstream.chatRequests()).as("no retry after the first token").isEqualTo(1);
  }

  @Test
  void aNonStreamingRequestCutByTheIdleTimeoutIs504() {
    upstream.script(FakeUpstream.Response.hang(OpenAiFixtures.truncatedTextReply(2)));
    serve(retries(3).withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(200)));

    HttpResponse<String> response = post(server, chat("gpt-test", false, null));

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(json(response.body()).at("/error/message").asText())
        .isEqualTo("The upstream sent nothing for 200 ms; the stream was cut.");
  }

  @Test
  void aResetMidStreamEndsTheStreamWithAnError() {
    upstream.script(
        FakeUpstream.Response.sse(OpenAiFixtures.truncatedTextReply(3))
            .withPause(Duration.ofMillis(100))
            .resetting());
    serve(retries(3));

    HttpResponse<String> response = post(server, chat("gpt-test", true, null));

    JsonNode error = assertCutWithError(response, "Hello! The");
    assertThat(error.get("type").asText()).isEqualTo("upstream_error");
    assertThat(error.get("message").asText()).startsWith("The upstream");
    assertThat(upstream.chatRequests()).isEqualTo(1);
  }

  @Test
  void aMalformedSseLineEndsTheStreamWithAnError() {
    String body =
        OpenAiFixtures.truncatedTextReply(2)
            + "data: {\"choices\":[{\"delta\":{\"content\":\"oops\"}\n\n"
            + OpenAiFixtures.textReply();
    upstream.script(FakeUpstream.Response.sse(body));
    serve(retries(3));

    HttpResponse<String> response = post(server, chat("gpt-test", true, null));

    JsonNode error = assertCutWithError(response, "Hello!");
    assertThat(error.get("message").asText()).startsWith("The upstream sent a malformed");
    assertThat(upstream.chatRequests()).isEqualTo(1);
  }

  @Test
  void theMockToldToFailAfterThreeTokensSendsThemThenAnError() {
    server = FailoverTestSupport.start(ModelConfig.mock(), mock("mock-2", retries(3)));

    HttpResponse<String> response =
        post(
            server,
            chat(
                "mock",
                true,
                "{\"text\":\"One two three four five\",\"fail_after\":3,\"interval_ms\":0}"));
    HttpResponse<String> whole =
        post(server, chat("mock", false, "{\"fail_after\":3,\"interval_ms\":0}"));

    JsonNode error = assertCutWithError(response, "One two three");
    assertThat(error.get("type").asText()).isEqualTo("server_error");
    assertThat(error.get("message").asText())
        .isEqualTo("The mock failed after 3 tokens, as sluice.mock.fail_after asked.");
    assertThat(whole.statusCode()).isEqualTo(500);
  }
}
