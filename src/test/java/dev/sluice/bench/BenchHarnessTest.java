package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.SluiceServer;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark's own parts measure what they claim: the paced upstream sends its tokens on time,
 * and the probe counts every content event, directly and through Sluice (Jetty's chunked bodies).
 */
@Timeout(30)
class BenchHarnessTest {
  private static final int TOKENS = 12;
  private static final int INTERVAL_MS = 20;

  private PacedUpstream upstream;
  private Thread serving;

  @BeforeEach
  void startUpstream() throws Exception {
    upstream = new PacedUpstream(0, TOKENS, INTERVAL_MS);
    serving = Thread.ofPlatform().daemon().start(this::serve);
  }

  private void serve() {
    try {
      upstream.serve();
    } catch (java.io.IOException | java.nio.channels.ClosedSelectorException e) {
      // Closed by the test.
    }
  }

  @AfterEach
  void stopUpstream() throws Exception {
    upstream.close();
    serving.interrupt();
  }

  @Test
  void directStreamsArriveWholeAndPaced() throws Exception {
    InetSocketAddress target = new InetSocketAddress("127.0.0.1", upstream.port());
    LoadSummary s =
        new LoadRun(target, "/v1/chat/completions", "bench", TOKENS).closedLoop(4, 3, 50);
    assertThat(s.failed()).as(s.firstError()).isZero();
    assertThat(s.completed()).isEqualTo(12);
    assertThat(s.chunks()).isEqualTo(12L * TOKENS);
    // The first token comes one interval after the request, the others one interval apart.
    assertThat(s.ttftP50()).isBetween(INTERVAL_MS * 0.8, INTERVAL_MS * 5.0);
    assertThat(s.gapP50()).isBetween(INTERVAL_MS * 0.5, INTERVAL_MS * 3.0);
  }

  @Test
  void holdOpenRunsItsCheckOnceEveryStreamIsOpenAndThenLetsThemFinish() throws Exception {
    InetSocketAddress target = new InetSocketAddress("127.0.0.1", upstream.port());
    java.util.concurrent.atomic.AtomicInteger checks =
        new java.util.concurrent.atomic.AtomicInteger();
    LoadSummary s =
        new LoadRun(target, "/v1/chat/completions", "bench", TOKENS)
            .holdOpen(6, 1_000, checks::incrementAndGet);
    assertThat(checks).hasValue(1);
    assertThat(s.failed()).as(s.firstError()).isZero();
    assertThat(s.completed()).isEqualTo(6);
    assertThat(s.chunks()).isEqualTo(6L * TOKENS);
  }

  @Test
  void throughSluiceEveryStreamCompletesWithAChunkPerWord() throws Exception {
    ModelConfig bench =
        new ModelConfig(
            "bench",
            "openai",
            null,
            URI.create("http://127.0.0.1:" + upstream.port() + "/v1"),
            null,
            null,
            Duration.ofSeconds(2));
    SluiceConfig config =
        new SluiceConfig(ServerConfig.defaults().withPort(0), List.of(bench), "test");
    try (SluiceServer sluice = SluiceServer.start(config)) {
      InetSocketAddress target = new InetSocketAddress("127.0.0.1", sluice.port());
      LoadSummary s =
          new LoadRun(target, "/v1/chat/completions", "bench", TOKENS).closedLoop(3, 3, 50);
      assertThat(s.failed()).as(s.firstError()).isZero();
      assertThat(s.completed()).isEqualTo(9);
      // Word chunking sends each word when the next shows where it ends: one chunk per token, or
      // two when a stall past max_delay_ms released a word in two parts.
      assertThat(s.chunks()).isBetween(9L * TOKENS, 2 * 9L * TOKENS);
    }
  }
}
