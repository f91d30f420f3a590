package dev.sluice.provider;

import static dev.sluice.provider.ProviderTestSupport.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.config.ModelConfig;
import dev.sluice.error.UpstreamException;
import dev.sluice.openai.StreamEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** OpenAiProvider's failures: refusals before the stream, breaks inside it, and cancellation. */
@Timeout(5)
class OpenAiProviderErrorTest {
  private FakeUpstream upstream;
  private ModelRouter router;

  @BeforeAll
  static void warmUp() throws Exception {
    ProviderTestSupport.warmUp();
  }

  @BeforeEach
  void start() throws IOException {
    upstream = FakeUpstream.start();
    router = routerFor(upstream.baseUrl());
  }

  @AfterEach
  void stop() throws IOException {
    router.close();
    upstream.close();
  }

  private static ModelRouter routerFor(URI baseUrl) {
    ModelConfig config =
        new ModelConfig(
            "gpt-test", "openai", "upstream-gpt", baseUrl, "sk-test", null, Duration.ofSeconds(2));
    return new ModelRouter(List.of(config), ProviderTestSupport.TOKENS);
  }

  private UpstreamStream open() throws InterruptedException {
    ModelRoute route = router.route("gpt-test");
    return route.provider().open(chat("gpt-test", "hi", ""), route.upstreamModel());
  }

  static Stream<Arguments> upstreamErrors() {
    return Stream.of(
        Arguments.of(
            401,
            "invalid_request_error",
            "invalid_api_key",
            "Incorrect API key provided: sk-test. You can find your API key at"
                + " https://platform.openai.com/account/api-keys."),
        Arguments.of(
            429,
            "requests",
            "rate_limit_exceeded",
            "Rate limit reached for gpt-4o in organization org-abc on requests per min (RPM):"
                + " Limit 500, Used 500, Requested 1. Please try again in 120ms."),
        Arguments.of(
            500,
            "server_error",
            null,
            "The server had an error while processing your request. Sorry about that!"));
  }

  @ParameterizedTest(name = "HTTP {0}")
  @MethodSource("upstreamErrors")
  void upstreamErrorJsonIsRelayedWithItsStatusTypeCodeAndMessage(
      int status, String type, String code, String message) {
    upstream.script(
        FakeUpstream.Response.status(
                status, "application/json", OpenAiFixtures.errorBody(type, code, message))
            .withHeader("retry-after", "1"));

    assertThatThrownBy(this::open)
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.type()).isEqualTo(type);
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.param()).isNull();
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }

  @Test
  void nonJsonErrorBodyKeepsTheStatusWithADefaultTypeAndASnippet() {
    upstream.script(
        FakeUpstream.Response.status(
            503, "text/html", "<html><body><h1>503 Service Unavailable</h1></body></html>\n"));

    assertThatThrownBy(this::open)
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.type()).isEqualTo("server_error");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "The upstream of model 'gpt-test' answered HTTP 503:"
                          + " <html><body><h1>503 Service Unavailable</h1></body></html>");
            });
  }

  @Test
  void refusedConnectionIsA502NamingHostAndPort() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    router.close();
    router = routerFor(URI.create("http://127.0.0.1:" + port + "/v1"));

    assertThatThrownBy(this::open)
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(502);
              assertThat(e.type()).isEqualTo("upstream_error");
              assertThat(e.getMessage())
                  .startsWith(
                      "Could not reach the upstream of model 'gpt-test' at 127.0.0.1:" + port);
            });
  }

  @Test
  void streamEndingWithoutFinishOrDoneThrowsAfterTheTextItDidSend() throws Exception {
    upstream.script(FakeUpstream.Response.sse(OpenAiFixtures.truncatedTextReply(3)));

    UpstreamStream stream = open();

    assertThat(stream.next()).isEqualTo(new StreamEvent.Text(""));
    for (String part : OpenAiFixtures.TEXT_PARTS.subList(0, 3)) {
      assertThat(stream.next()).isEqualTo(new StreamEvent.Text(part));
    }
    assertThatThrownBy(stream::next)
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(502);
              assertThat(e.getMessage()).contains("before it finished");
            });
    stream.close();
  }

  @Test
  void connectionDroppedMidStreamThrows() throws Exception {
    upstream.script(
        FakeUpstream.Response.sse(OpenAiFixtures.truncatedTextReply(2)).droppingConnection());

    UpstreamStream stream = open();

    assertThatThrownBy(() -> ProviderTestSupport.drain(stream))
        .isInstanceOfSatisfying(
            UpstreamException.class, e -> assertThat(e.status()).isEqualTo(502));
  }

  @Test
  void errorEventMidStreamThrowsTheUpstreamsTypeAndMessage() throws Exception {
    upstream.script(
        FakeUpstream.Response.sse(
            OpenAiFixtures.errorMidStream(
                "server_error", "The model produced invalid content. Retry your request.")));

    UpstreamStream stream = open();

    assertThat(stream.next()).isEqualTo(new StreamEvent.Text(""));
    assertThat(stream.next()).isEqualTo(new StreamEvent.Text("Hello"));
    assertThatThrownBy(stream::next)
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(502);
              assertThat(e.type()).isEqualTo("server_error");
              assertThat(e.getMessage())
                  .contains("The model produced invalid content. Retry your request.");
            });
    stream.close();
  }

  @Test
  void malformedChunkMidStreamThrowsAfterTheTextBeforeIt() throws Exception {
    String body =
        OpenAiFixtures.truncatedTextReply(1) + "data: {\"id\":\"chatcmpl-1\",\"choices\":[\n\n";
    upstream.script(FakeUpstream.Response.sse(body));

    UpstreamStream stream = open();

    assertThat(stream.next()).isEqualTo(new StreamEvent.Text(""));
    assertThat(stream.next()).isEqualTo(new StreamEvent.Text("Hello"));
    assertThatThrownBy(stream::next)
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(502);
              assertThat(e.getMessage()).startsWith("The upstream sent a malformed stream chunk");
            });
    assertThat(stream.next()).as("nothing after the failure").isNull();
    stream.close();
  }

  @Test
  void closeWhileNextIsBlockedReturnsPromptlyAndDropsTheUpstreamConnection() throws Exception {
    String roleChunk =
        OpenAiFixtures.sse(
            List.of(
                "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                    + "\"assistant\",\"content\":\"\"},\"logprobs\":null,"
                    + "\"finish_reason\":null}]}"),
            "\n");
    upstream.script(FakeUpstream.Response.hang(roleChunk));
    UpstreamStream stream = open();
    assertThat(stream.next()).isEqualTo(new StreamEvent.Text(""));

    CompletableFuture<StreamEvent> blocked = new CompletableFuture<>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    blocked.complete(stream.next());
                  } catch (Throwable t) {
                    blocked.completeExceptionally(t);
                  }
                });
    await().atMost(Duration.ofSeconds(1)).until(() -> reader.getState() == Thread.State.WAITING);
    assertThat(blocked).isNotDone();

    long start = System.nanoTime();
    stream.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));

    assertThat(blocked.get(1, TimeUnit.SECONDS)).isNull();
    assertThat(upstream.clientClosed().await(1, TimeUnit.SECONDS))
        .as("the upstream saw the connection closed")
        .isTrue();
    assertThat(stream.next()).isNull();
    stream.close();
  }
}
