package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.SluiceServer;
import dev.sluice.chaos.ChaosProxy;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.StreamsConfig;
import dev.sluice.openai.ChatMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ChatClient#resumable}: through a {@link ChaosProxy} that cuts connections, the callback
 * gets the reply exactly once, every character, in order; what cannot be resumed fails clearly.
 */
@Timeout(60)
class ChatClientResumeTest {
  private static final ChatClient.Resume FAST = new ChatClient.Resume(5, Duration.ofMillis(5));
  private static SluiceServer server;

  @BeforeAll
  static void start() {
    server = SluiceServer.start(config(StreamsConfig.defaults().resumeRetention()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static SluiceConfig config(Duration retention) {
    StreamsConfig defaults = StreamsConfig.defaults();
    return new SluiceConfig(
        new ServerConfig("127.0.0.1", 0, null, ServerConfig.DEFAULT_MAX_BODY_BYTES),
        new StreamsConfig(
            defaults.heartbeat(), retention, defaults.bufferBytes(), defaults.clientStall()),
        List.of(ModelConfig.mock()),
        "test");
  }

  private static List<ChatMessage> prompt(String text) {
    return List.of(new ChatMessage("user", text));
  }

  private static String expected(String prompt) throws InterruptedException {
    return new ChatClient(server.openAiBaseUrl(), null).complete("mock", prompt(prompt));
  }

  /** Streams through the proxy; returns the deltas the callback got, concatenated. */
  private static String streamThrough(ChaosProxy proxy, ChatClient.Resume resume, String prompt)
      throws InterruptedException {
    ChatClient client = new ChatClient(proxy.openAiBaseUrl(), null).resumable(resume);
    List<String> deltas = new ArrayList<>();
    String returned = client.stream("mock", prompt(prompt), deltas::add);
    assertThat(String.join("", deltas)).isEqualTo(returned);
    return returned;
  }

  @Test
  void streamsCutAtRandomBytesArriveWholeAndOnce() throws Exception {
    long seed = System.nanoTime();
    // About 9 KB per reply: most connections are cut somewhere inside one, some more than once.
    try (ChaosProxy proxy =
        ChaosProxy.start(server.port(), ChaosProxy.randomCuts(seed, 0.6, 9_000))) {
      // In parallel: each mock reply takes 0.8 s, mostly waiting.
      List<Future<?>> streams = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < 20; i++) {
          String prompt = "Resume me, take " + i;
          String stream = "stream " + i + ", seed " + seed;
          streams.add(
              pool.submit(
                  () -> {
                    assertThat(streamThrough(proxy, FAST, prompt))
                        .as(stream)
                        .isEqualTo(expected(prompt));
                    return null;
                  }));
        }
        for (Future<?> stream : streams) {
          stream.get();
        }
      }
      assertThat(proxy.cuts()).as("seed %d", seed).isGreaterThan(5);
    }
  }

  @Test
  void aCutBeforeTheFirstEventSendsTheRequestAgain() throws Exception {
    // 40 bytes: inside the status line and headers, before the stream's id could be known.
    ChaosProxy.CutPlan plan =
        (connection, head) -> connection == 0 ? new ChaosProxy.Cut(40, false) : null;
    try (ChaosProxy proxy = ChaosProxy.start(server.port(), plan)) {
      assertThat(streamThrough(proxy, FAST, "cut early")).isEqualTo(expected("cut early"));
      assertThat(proxy.cuts()).isEqualTo(1);
      assertThat(proxy.connections()).isEqualTo(2);
    }
  }

  @Test
  void withoutResumeADropIsAnError() throws Exception {
    ChaosProxy.CutPlan plan =
        (connection, head) -> {
          assertThat(head).as("a plain stream asks for no resume").doesNotContain("sluice");
          return new ChaosProxy.Cut(1_500, false);
        };
    try (ChaosProxy proxy = ChaosProxy.start(server.port(), plan)) {
      ChatClient client = new ChatClient(proxy.openAiBaseUrl(), null);
      assertThatThrownBy(() -> client.stream("mock", prompt("plain"), text -> {}))
          .isInstanceOf(ChatClientException.class)
          .hasMessageStartingWith("the connection broke mid-stream");
    }
  }

  @Test
  void resumesThatGetNothingGiveUpAfterTheAttempts() throws Exception {
    // The first connection breaks mid-stream; every reconnection is cut before a byte arrives.
    ChaosProxy.CutPlan plan =
        (connection, head) -> new ChaosProxy.Cut(connection == 0 ? 1_500 : 0, false);
    try (ChaosProxy proxy = ChaosProxy.start(server.port(), plan)) {
      ChatClient client =
          new ChatClient(proxy.openAiBaseUrl(), null)
              .resumable(new ChatClient.Resume(3, Duration.ofMillis(5)));
      assertThatThrownBy(() -> client.stream("mock", prompt("doomed"), text -> {}))
          .isInstanceOf(ChatClientException.class)
          .hasMessageStartingWith("the connection broke mid-stream and 3 resumes failed");
      // Three resumes; java.net.http itself retries a GET once when a connection closes before
      // the response head, so each may take two connections.
      assertThat(proxy.connections()).isBetween(4, 1 + 3 * 2);
    }
  }

  @Test
  void aStreamGoneFromTheServerIsAClearErrorNotARetryLoop() throws Exception {
    // Retention 0: a stream is forgotten as soon as it ends. The mock's reply takes 0.8 s; the
    // client, cut off early in it, comes back only after 1.5 s, to a stream that is gone.
    try (SluiceServer forgetful = SluiceServer.start(config(Duration.ZERO));
        ChaosProxy proxy =
            ChaosProxy.start(
                forgetful.port(),
                (connection, head) -> connection == 0 ? new ChaosProxy.Cut(1_500, false) : null)) {
      ChatClient client =
          new ChatClient(proxy.openAiBaseUrl(), null)
              .resumable(new ChatClient.Resume(5, Duration.ofMillis(1_500)));
      assertThatThrownBy(() -> client.stream("mock", prompt("forgotten"), text -> {}))
          .isInstanceOf(ChatClientException.class)
          .hasMessageContaining("HTTP 404")
          .hasMessageContaining("No resumable stream");
      assertThat(proxy.connections()).as("no retry after a 404").isEqualTo(2);
    }
  }
}
