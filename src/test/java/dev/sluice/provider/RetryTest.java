package dev.sluice.provider;

import static dev.sluice.provider.FailoverTestSupport.chat;
import static dev.sluice.provider.FailoverTestSupport.content;
import static dev.sluice.provider.FailoverTestSupport.events;
import static dev.sluice.provider.FailoverTestSupport.json;
import static dev.sluice.provider.FailoverTestSupport.metric;
import static dev.sluice.provider.FailoverTestSupport.openai;
import static dev.sluice.provider.FailoverTestSupport.post;
import static dev.sluice.provider.FailoverTestSupport.retries;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.sluice.api.SluiceServer;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.Resilience;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Retries before the first token, end to end: a fake upstream answers 429, 500, 503 or 400 first,
 * and the client sees one clean stream, or the error that ended the attempts.
 */
@Timeout(10)
class RetryTest {
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
    upstream.script(FakeUpstream.Response.sse(OpenAiFixtures.textReply()));
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    upstream.close();
  }

  private static FakeUpstream.Response error(int status, String type, String message) {
    return FakeUpstream.Response.status(
        status, "application/json", OpenAiFixtures.errorBody(type, null, message));
  }

  @Test
  void a429WithRetryAfterIsWaitedOutThenTheStreamIsClean() {
    upstream.then(error(429, "rate_limit_error", "Slow down").withHeader("Retry-After", "1"));
    server = FailoverTestSupport.start(openai("gpt-test", upstream.baseUrl(), retries(3)));

    long start = System.nanoTime();
    HttpResponse<String> response = post(server, chat("gpt-test", true, null));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(elapsed)
        .as("Retry-After: 1 honoured")
        .isGreaterThanOrEqualTo(Duration.ofMillis(990));
    assertThat(response.headers().firstValue("X-Sluice-Model")).hasValue("gpt-test");
    List<String> events = events(response.body());
    assertThat(content(events)).isEqualTo(OpenAiFixtures.TEXT);
    assertThat(events).last().isEqualTo("[DONE]");
    assertThat(response.body()).doesNotContain("\"error\"");
    assertThat(upstream.chatRequests()).isEqualTo(2);
    assertThat(metric(server, "sluice_upstream_retries_total{model=\"gpt-test\"}"))
        .isEqualTo(OptionalDouble.of(1));
  }

  @Test
  void twoServerErrorsThenSuccessIsOneCleanStreamForTheOpenAiSdk() {
    upstream.then(
        error(500, "server_error", "The server had an error"),
        error(500, "server_error", "The server had an error again"));
    server = FailoverTestSupport.start(openai("gpt-test", upstream.baseUrl(), retries(3)));
    OpenAIClient sdk =
        OpenAIOkHttpClient.builder()
            .baseUrl(server.openAiBaseUrl().toString())
            .apiKey("x")
            .maxRetries(0) // every retry seen here is Sluice's
            .build();
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder().model("gpt-test").addUserMessage("hi").build();

    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream =
        sdk.chat().completions().createStreaming(params)) {
      stream.stream()
          .forEach(
              chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
    } finally {
      sdk.close();
    }

    assertThat(text.toString()).isEqualTo(OpenAiFixtures.TEXT);
    assertThat(upstream.chatRequests()).isEqualTo(3);
    assertThat(metric(server, "sluice_upstream_retries_total{model=\"gpt-test\"}"))
        .isEqualTo(OptionalDouble.of(2));
  }

  @Test
  void a400IsRelayedAtOnceWithoutRetryOrFallback() {
    upstream.script(error(400, "invalid_request_error", "'messages' is too long"));
    server =
        FailoverTestSupport.start(
            openai("gpt-test", upstream.baseUrl(), retries(3, "mock")), ModelConfig.mock());

    HttpResponse<String> response = post(server, chat("gpt-test", true, null));

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = json(response.body()).get("error");
    assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.get("message").asText()).isEqualTo("'messages' is too long");
    assertThat(response.headers().firstValue("X-Sluice-Model")).isEmpty();
    assertThat(upstream.chatRequests()).isEqualTo(1);
    assertThat(server.metrics().scrape())
        .doesNotContain("sluice_fallbacks_total{")
        .doesNotContain("sluice_upstream_retries_total{");
  }

  @Test
  void whenTheBudgetIsSpentTheLastErrorIsRelayed() {
    upstream.then(error(503, "server_error", "first refusal").withHeader("retry-after-ms", "200"));
    upstream.script(
        error(503, "server_error", "second refusal").withHeader("retry-after-ms", "200"));
    Resilience budget300ms =
        Resilience.DEFAULTS.withRetry(
            new Resilience.RetryPolicy(
                10, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(300)));
    server = FailoverTestSupport.start(openai("gpt-test", upstream.baseUrl(), budget300ms));

    long start = System.nanoTime();
    HttpResponse<String> response = post(server, chat("gpt-test", false, null));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    // Attempt 1 at ~0 ms, a 200 ms wait (asked), attempt 2 at ~200 ms; another 200 ms would end
    // past the 300 ms budget, so the second refusal is the answer.
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(json(response.body()).at("/error/message").asText()).isEqualTo("second refusal");
    assertThat(upstream.chatRequests()).isEqualTo(2);
    assertThat(elapsed).isBetween(Duration.ofMillis(200), Duration.ofMillis(2000));
  }

  @Test
  void maxAttemptsOneMeansNoRetry() {
    upstream.script(error(500, "server_error", "down"));
    server = FailoverTestSupport.start(openai("gpt-test", upstream.baseUrl(), retries(1)));

    HttpResponse<String> response = post(server, chat("gpt-test", true, null));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(upstream.chatRequests()).isEqualTo(1);
  }
}
