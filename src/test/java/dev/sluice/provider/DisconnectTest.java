package dev.sluice.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import dev.sluice.api.SluiceServer;
import dev.sluice.chaos.SseConnection;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.openai.Json;
import dev.sluice.stream.SseEvent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that goes away mid-stream. Without {@code sluice.resumable} the upstream request is
 * cancelled at once: a real upstream ({@link FakeUpstream}, streaming a word every 50 ms) sees its
 * connection closed within 1 s. With it, the upstream runs to its end with nobody listening and a
 * resume gets the rest. And a thousand streams aborted mid-generation, from the mock or from the
 * fake upstream, leave nothing behind: no active stream, no {@code sluice-} thread, no open
 * upstream connection, no heap growth beyond 4 KiB a stream.
 *
 * <p>Here rather than with the server tests because {@link FakeUpstream} lives in this package.
 */
@Timeout(60)
class DisconnectTest {
  private static final int WORDS = 40;
  private static final Duration WORD_PAUSE = Duration.ofMillis(50);
  private static final String MODEL = "slow-gpt";
  private static final int ABORTED = 1000;
  private static final int WARM_UP = 100;

  /**
   * How far the heap (after a GC) may end above where it was before the thousand aborted streams: 4
   * KiB per stream. A GC is only requested, and the metrics registry and Jetty's pools may keep a
   * little, but a leak of a stream's buffer, reply or connection (tens of KiB each) would show.
   */
  private static final long HEAP_SLACK = 4L * 1024 * 1024;

  private FakeUpstream upstream;
  private SluiceServer server;

  @BeforeEach
  void start() throws IOException {
    upstream = FakeUpstream.start().script(slowReply());
    ModelConfig slow =
        new ModelConfig(
            MODEL, "openai", "gpt-4o", upstream.baseUrl(), "sk-test", null, Duration.ofSeconds(2));
    server =
        SluiceServer.start(
            new SluiceConfig(
                new ServerConfig("127.0.0.1", 0, null, ServerConfig.DEFAULT_MAX_BODY_BYTES),
                List.of(ModelConfig.mock(), slow),
                "test"));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    upstream.close();
  }

  /** OpenAI's stream of {@link #WORDS} words, one event per network write, paced. */
  private static FakeUpstream.Response slowReply() {
    List<String> events = new ArrayList<>();
    events.add(chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
    for (int i = 0; i < WORDS; i++) {
      events.add(chunk("{\"content\":\"" + word(i) + "\"}", "null"));
    }
    events.add(chunk("{}", "\"stop\""));
    events.add("[DONE]");
    StringBuilder body = new StringBuilder();
    int[] cuts = new int[events.size()];
    for (int i = 0; i < events.size(); i++) {
      body.append("data: ").append(events.get(i)).append("\n\n");
      cuts[i] = body.toString().getBytes(StandardCharsets.UTF_8).length;
    }
    return FakeUpstream.Response.sse(body.toString().getBytes(StandardCharsets.UTF_8), cuts)
        .withPause(WORD_PAUSE);
  }

  private static String word(int i) {
    return (i == 0 ? "Word" : " word") + i;
  }

  private static String chunk(String delta, String finishReason) {
    return "{\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":"
        + delta
        + ",\"logprobs\":null,\"finish_reason\":"
        + finishReason
        + "}]}";
  }

  private static String request(String model, String sluice) {
    return "{\"model\":\""
        + model
        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Go on\"}],"
        + "\"sluice\":"
        + sluice
        + "}";
  }

  /** What a client has read of one stream. */
  private static final class Reader {
    final StringBuilder text = new StringBuilder();
    String streamId;
    long lastId = -1;
    boolean done;

    /** Reads events until one carries text (or, with {@code untilDone}, until [DONE]). */
    Reader read(SseConnection connection, boolean untilDone) throws IOException {
      assertThat(connection.status()).isEqualTo(200);
      for (SseEvent event; (event = connection.next()) != null; ) {
        assertThat(Long.parseLong(event.id())).isEqualTo(lastId + 1);
        lastId++;
        if (event.data().equals("[DONE]")) {
          done = true;
          return this;
        }
        JsonNode chunk = Json.MAPPER.readTree(event.data());
        assertThat(chunk.has("error")).as(event.data()).isFalse();
        streamId = chunk.get("id").asText();
        String content = chunk.at("/choices/0/delta/content").asText("");
        text.append(content);
        if (!content.isEmpty() && !untilDone) {
          return this;
        }
      }
      return this;
    }
  }

  @Test
  void aClientThatLeavesCancelsTheUpstreamWithinOneSecond() throws Exception {
    SseConnection connection =
        SseConnection.post(server.port(), "/v1/chat/completions", request(MODEL, "{}"), Map.of());
    Reader reader = new Reader().read(connection, false);
    assertThat(reader.text.toString()).startsWith("Word");

    connection.close();
    long closedAt = System.nanoTime();
    assertThat(upstream.clientClosed().await(1, TimeUnit.SECONDS))
        .as("the upstream saw its connection closed within 1 s of the client leaving")
        .isTrue();
    System.out.printf(
        "DisconnectTest: the upstream saw the close %d ms after the client left%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt));
    await().atMost(Duration.ofSeconds(1)).until(() -> server.metrics().activeStreams() == 0);
    assertThat(streams(MODEL, "client_gone")).isEqualTo(1);
    assertThat(upstream.requests()).hasSize(1);
  }

  @Test
  void aResumableStreamRunsOnWithoutItsClientAndAResumeGetsTheRest() throws Exception {
    SseConnection connection =
        SseConnection.post(
            server.port(),
            "/v1/chat/completions",
            request(MODEL, "{\"resumable\":true}"),
            Map.of());
    Reader reader = new Reader().read(connection, false);
    connection.close();
    assertThat(reader.text.toString()).doesNotContain("word" + (WORDS - 1));

    // The stream ends with nobody reading it; its upstream was read to the end, never closed.
    await().atMost(Duration.ofSeconds(5)).until(() -> server.metrics().activeStreams() == 0);
    assertThat(upstream.clientClosed().getCount()).as("the upstream was not cut").isEqualTo(1);

    try (SseConnection resume =
        SseConnection.get(
            server.port(),
            "/v1/chat/completions/" + reader.streamId + "/stream",
            Map.of("Last-Event-ID", Long.toString(reader.lastId)))) {
      reader.read(resume, true);
    }
    assertThat(reader.done).isTrue();
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < WORDS; i++) {
      all.append(word(i));
    }
    assertThat(reader.text.toString()).isEqualTo(all.toString());
    assertThat(upstream.requests()).hasSize(1);
  }

  @Test
  void aThousandAbortedMockStreamsLeaveNoStreamThreadOrHeapBehind() throws Exception {
    String request =
        request("mock", "{\"mock\":{\"tokens\":400,\"interval_ms\":20}}"); // 8 s if not cut
    assertAbortsLeaveNothingBehind("mock", request);
    assertThat(streams("mock", "completed")).isZero();
  }

  @Test
  void aThousandAbortedUpstreamStreamsLeaveNoUpstreamConnectionOpen() throws Exception {
    upstream.notRecording(); // its record of requests would grow the heap being measured
    assertAbortsLeaveNothingBehind(MODEL, request(MODEL, "{}"));
    assertThat(streams(MODEL, "completed")).isZero();
  }

  /**
   * Aborts {@link #WARM_UP} streams (class loading, JIT, the tokenizer and Jetty's pools are not
   * what is measured), then {@link #ABORTED} more, each closed by its client after its first text,
   * and checks that each was counted as cut and that nothing is left: no active stream, no {@code
   * sluice-} thread, no open connection at the upstream, and the heap back within {@link
   * #HEAP_SLACK} of where it was.
   */
  private void assertAbortsLeaveNothingBehind(String model, String request) throws Exception {
    abort(request, WARM_UP);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.metrics().activeStreams() == 0);
    int threadsBefore = sluiceThreads();
    long heapBefore = usedHeapAfterGc();
    long start = System.nanoTime();

    abort(request, ABORTED);

    await("active streams back to 0")
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.metrics().activeStreams() == 0);
    await("upstream connections back to 0")
        .atMost(Duration.ofSeconds(10))
        .until(upstream::openConnections, n -> n == 0);
    await("sluice- threads back to " + threadsBefore)
        .atMost(Duration.ofSeconds(10))
        .until(DisconnectTest::sluiceThreads, n -> n <= threadsBefore);
    long bound = heapBefore + HEAP_SLACK;
    await("heap back within " + HEAP_SLACK / 1024 + " KiB of " + heapBefore / 1024 + " KiB")
        .atMost(Duration.ofSeconds(10))
        .until(DisconnectTest::usedHeapAfterGc, used -> used <= bound);
    System.out.printf(
        "DisconnectTest: %d aborted %s streams in %d ms; heap %d KiB before, %d KiB after%n",
        ABORTED,
        model,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
        heapBefore / 1024,
        usedHeapAfterGc() / 1024);
    // Every one was really cut mid-generation, and counted so.
    assertThat(streams(model, "client_gone")).isEqualTo(ABORTED + WARM_UP);
  }

  /** {@code count} streams, 50 at a time, each closed by its client after its first text. */
  private void abort(String request, int count) throws Exception {
    Semaphore slots = new Semaphore(50);
    List<Future<String>> aborted = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < count; i++) {
        slots.acquire();
        aborted.add(
            pool.submit(
                () -> {
                  try (SseConnection connection =
                      SseConnection.post(
                          server.port(), "/v1/chat/completions", request, Map.of())) {
                    return new Reader().read(connection, false).text.toString();
                  } finally {
                    slots.release();
                  }
                }));
      }
      for (Future<String> text : aborted) {
        assertThat(text.get()).isNotEmpty();
      }
    }
  }

  private double streams(String model, String outcome) {
    return server
        .metrics()
        .registry()
        .counter("sluice.streams", "model", model, "outcome", outcome)
        .count();
  }

  /** Live threads named {@code sluice-*}, virtual ones included (a JSON thread dump has them). */
  private static int sluiceThreads() throws IOException {
    Path dump = Files.createTempDirectory("threads").resolve("dump.json");
    try {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
      int count = 0;
      for (JsonNode container :
          Json.MAPPER.readTree(dump.toFile()).at("/threadDump/threadContainers")) {
        for (JsonNode thread : container.path("threads")) {
          if (thread.path("name").asText().startsWith("sluice-")) {
            count++;
          }
        }
      }
      return count;
    } finally {
      Files.deleteIfExists(dump);
      Files.deleteIfExists(dump.getParent());
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
