package dev.sluice.api;

import static dev.sluice.api.TestHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.sluice.config.ModelConfig;
import dev.sluice.error.UpstreamException;
import dev.sluice.openai.StreamEvent;
import dev.sluice.openai.TokenCounter;
import dev.sluice.provider.ChatProvider;
import dev.sluice.provider.ModelRouter;
import dev.sluice.provider.UpstreamStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An upstream that fails after its first text: a stream already answered 200 reports it in-stream
 * as {@code data: {"error": {...}}} with no {@code [DONE]}; a non-streaming request gets the
 * failure's own status.
 */
class MidStreamErrorTest {
  private static final String MESSAGE = "The upstream model crashed mid-answer";
  private static final AtomicInteger closes = new AtomicInteger();

  private static SluiceServer server;
  private static final HttpClient client = TestHttp.client();

  @BeforeAll
  static void start() {
    ChatProvider failing = (request, upstreamModel) -> new FailingStream();
    ModelConfig config =
        new ModelConfig(
            "failing", "scripted", null, null, null, "fails", ModelConfig.DEFAULT_CONNECT_TIMEOUT);
    server =
        SluiceServer.start(
            TestHttp.mockConfig(), new ModelRouter(Map.of(config, failing)), new TokenCounter());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String request(boolean stream) {
    return "{\"model\":\"failing\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  @Test
  void aStreamReportsTheFailureInStreamWithoutDone() {
    int closedBefore = closes.get();
    HttpResponse<String> response = TestHttp.post(client, server, request(true));

    assertThat(response.statusCode()).isEqualTo(200);
    String body = response.body();
    assertThat(body).doesNotContain("[DONE]").endsWith("}\n\n");
    String[] events = body.split("\n\n");
    assertThat(events).hasSize(3);
    assertThat(
            json(events[1].substring("id: 1\ndata: ".length()))
                .at("/choices/0/delta/content")
                .asText())
        .isEqualTo("Hello");
    assertThat(events[2]).startsWith("id: 2\ndata: {\"error\":");
    JsonNode error = json(events[2].substring("id: 2\ndata: ".length())).get("error");
    assertThat(TestHttp.fieldNames(error)).containsExactly("message", "type", "param", "code");
    assertThat(error.get("message").asText()).isEqualTo(MESSAGE);
    assertThat(error.get("type").asText()).isEqualTo("server_error");
    TestHttp.assertNoStackTrace(body);

    await().atMost(Duration.ofSeconds(5)).until(() -> server.metrics().activeStreams() == 0);
    assertThat(closes.get()).as("upstream closed").isEqualTo(closedBefore + 1);
    assertThat(server.metrics().scrape())
        .contains("sluice_streams_total{model=\"failing\",outcome=\"error\"}")
        .containsPattern("sluice_upstream_errors_total\\{model=\"failing\"} [1-9]");
  }

  @Test
  void theOpenAiSdkRaisesTheInStreamError() {
    OpenAIClient sdk =
        OpenAIOkHttpClient.builder()
            .baseUrl(server.openAiBaseUrl().toString())
            .apiKey("x")
            .maxRetries(0)
            .build();
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder().model("failing").addUserMessage("hi").build();
    try {
      assertThatThrownBy(
              () -> {
                try (StreamResponse<ChatCompletionChunk> stream =
                    sdk.chat().completions().createStreaming(params)) {
                  stream.stream().forEach(chunk -> {});
                }
              })
          .isInstanceOf(OpenAIException.class)
          .hasMessageContaining(MESSAGE);
    } finally {
      sdk.close();
    }
  }

  @Test
  void aNonStreamingRequestGetsTheFailuresStatus() {
    HttpResponse<String> response = TestHttp.post(client, server, request(false));

    JsonNode error = TestHttp.assertOpenAiError(response, 500, "server_error");
    assertThat(error.get("message").asText()).isEqualTo(MESSAGE);
  }

  /** Sends "Hello", then fails as an upstream that broke mid-stream. */
  private static final class FailingStream implements UpstreamStream {
    private int position;

    @Override
    public StreamEvent next() {
      if (position++ == 0) {
        return new StreamEvent.Text("Hello");
      }
      throw new UpstreamException(500, "server_error", null, null, MESSAGE);
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }
}
