package dev.sluice.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.SluiceServer;
import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.StreamsConfig;
import dev.sluice.openai.Json;
import dev.sluice.stream.SseEvent;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resumable streams through a network that drops connections at random bytes: {@value #STREAMS}
 * mock streams of varied prompts, lengths, paces and chunkings, {@value #CONCURRENCY} at a time,
 * each read through a {@link ChaosProxy} that cuts it zero to four times, anywhere (in the response
 * head, inside an event, inside a UTF-8 character), closing with a FIN or a reset. On a drop the
 * client does what a resuming client must: it discards the partial event and resumes with {@code
 * Last-Event-ID} = the id of its last complete event (or, cut before its first event, when it
 * cannot know the stream's id yet, sends the request again). Every stream's text must equal the
 * mock's deterministic reply, got without drops, character for character; its event ids must run 0,
 * 1, 2... with no gap or repeat across connections; and no stream may be left running.
 *
 * <p>The seed is random per run and printed in every failure; rerun one with {@code
 * -Dchaos.seed=<seed>}. A stream's requests and cuts depend only on the seed and its number.
 */
class ChaosTest {
  private static final int STREAMS = 520;
  private static final int CONCURRENCY = 50;
  private static final int MAX_CONNECTIONS = 12;
  private static final long SEED = Long.getLong("chaos.seed", System.nanoTime());

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** What one stream saw. */
  private record Outcome(int connections, int drops, int midEventDrops, int resends) {}

  @Test
  @Timeout(120)
  void everyStreamReassemblesExactlyThroughRandomDrops() throws Exception {
    System.out.println("ChaosTest seed " + SEED + " (rerun with -Dchaos.seed=" + SEED + ")");
    // A short heartbeat puts keep-alive comments between slow tokens, so cuts land in them too.
    StreamsConfig streams =
        new StreamsConfig(
            Duration.ofMillis(10), Duration.ofMinutes(2), 512 * 1024, Duration.ofSeconds(30));
    SluiceConfig config =
        new SluiceConfig(
            new ServerConfig("127.0.0.1", 0, null, ServerConfig.DEFAULT_MAX_BODY_BYTES),
            streams,
            List.of(ModelConfig.mock()),
            "chaos");
    long start = System.nanoTime();
    List<Outcome> outcomes = new ArrayList<>();
    try (SluiceServer server = SluiceServer.start(config);
        ChaosProxy proxy = ChaosProxy.start(server.port(), ChaosProxy.cutsFromHeader());
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Semaphore slots = new Semaphore(CONCURRENCY);
      List<Future<Outcome>> futures = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) {
        int stream = i;
        slots.acquire();
        futures.add(
            pool.submit(
                () -> {
                  try {
                    return run(server, proxy, stream);
                  } finally {
                    slots.release();
                  }
                }));
      }
      for (int i = 0; i < STREAMS; i++) {
        try {
          outcomes.add(futures.get(i).get());
        } catch (ExecutionException e) {
          throw new AssertionError("stream " + i + " failed, " + seed(), e.getCause());
        }
      }
      await("active streams back to 0, " + seed())
          .atMost(Duration.ofSeconds(10))
          .until(() -> server.metrics().activeStreams() == 0);

      int drops = outcomes.stream().mapToInt(Outcome::drops).sum();
      System.out.printf(
          "ChaosTest: %d streams, %d connections, %d cuts by the proxy, %d drops seen (%d inside"
              + " an event), %d streams dropped, %d dropped twice or more, %d requests resent;"
              + " %d ms%n",
          STREAMS,
          proxy.connections(),
          proxy.cuts(),
          drops,
          outcomes.stream().mapToInt(Outcome::midEventDrops).sum(),
          outcomes.stream().filter(o -> o.drops() > 0).count(),
          outcomes.stream().filter(o -> o.drops() > 1).count(),
          outcomes.stream().mapToInt(Outcome::resends).sum(),
          Duration.ofNanos(System.nanoTime() - start).toMillis());
      // The chaos really happened: most streams dropped, some several times, some never, and
      // drops in the middle of events, which is what a resuming client gets wrong.
      assertThat(drops).as(seed()).isGreaterThan(STREAMS / 2).isLessThanOrEqualTo(proxy.cuts());
      assertThat(outcomes).as(seed()).anyMatch(o -> o.drops() >= 2).anyMatch(o -> o.drops() == 0);
      assertThat(outcomes.stream().mapToInt(Outcome::midEventDrops).sum())
          .as(seed())
          .isGreaterThan(STREAMS / 4);
    }
  }

  private static String seed() {
    return "seed " + SEED + " (rerun with -Dchaos.seed=" + SEED + ")";
  }

  /** One stream: its expected text without drops, then the stream through the proxy. */
  private Outcome run(SluiceServer server, ChaosProxy proxy, int stream) throws Exception {
    SplittableRandom random = new SplittableRandom(SEED ^ (stream * 0x9E3779B97F4A7C15L));
    ObjectNode request = request(random, stream);
    String expected = expected(server, request);
    int plannedDrops = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(4);
    int tokens = request.at("/sluice/mock/tokens").asInt();
    long estimatedBytes = 250L * (tokens + 4);
    String context = "stream " + stream + " (" + request + "), " + seed();

    request.put("stream", true);
    String body = request.toString();
    String streamId = null;
    long lastId = -1;
    StringBuilder text = new StringBuilder();
    int connections = 0;
    int drops = 0;
    int midEvent = 0;
    int resends = 0;
    while (true) {
      assertThat(connections).as("connections of " + context).isLessThan(MAX_CONNECTIONS);
      Map<String, String> headers = new java.util.LinkedHashMap<>();
      if (connections < plannedDrops) {
        long cut = random.nextLong(estimatedBytes / (connections + 1));
        headers.put(ChaosProxy.CUT_HEADER, cut + (random.nextInt(3) == 0 ? " reset" : ""));
      }
      if (streamId != null) {
        headers.put("Last-Event-ID", Long.toString(lastId));
      }
      connections++;
      SseConnection connection = null;
      try {
        connection =
            streamId == null
                ? SseConnection.post(proxy.port(), "/v1/chat/completions", body, headers)
                : SseConnection.get(
                    proxy.port(), "/v1/chat/completions/" + streamId + "/stream", headers);
        assertThat(connection.status()).as("status, " + context).isEqualTo(200);
        for (SseEvent event; (event = connection.next()) != null; ) {
          long id = Long.parseLong(event.id());
          assertThat(id).as("event id after %d, %s", lastId, context).isEqualTo(lastId + 1);
          lastId = id;
          if (event.data().equals("[DONE]")) {
            assertThat(text.toString()).as("text of " + context).isEqualTo(expected);
            return new Outcome(connections, drops, midEvent, resends);
          }
          JsonNode chunk = Json.MAPPER.readTree(event.data());
          assertThat(chunk.has("error"))
              .as("error event %s in %s", event.data(), context)
              .isFalse();
          if (streamId == null) {
            streamId = chunk.get("id").asText();
          }
          assertThat(chunk.get("id").asText()).as("completion id, " + context).isEqualTo(streamId);
          text.append(chunk.at("/choices/0/delta/content").asText(""));
        }
        throw new IOException("the body ended before [DONE]"); // a cut at a chunk boundary
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no byte for 10 s: " + context, e);
      } catch (IOException e) {
        drops++;
        if (connection != null && connection.endsMidEvent()) {
          midEvent++;
        }
        if (streamId == null) {
          resends++; // cut before the first event: the id is unknown, so ask again
          lastId = -1;
        }
      } finally {
        if (connection != null) {
          connection.close();
        }
      }
    }
  }

  /** A mock request; the mock's reply depends on the messages, seed and token count only. */
  private static ObjectNode request(SplittableRandom random, int stream) {
    ObjectNode request = Json.MAPPER.createObjectNode();
    request.put("model", "mock");
    request.put("seed", random.nextInt(1_000_000));
    request
        .putArray("messages")
        .addObject()
        .put("role", "user")
        .put("content", "Chaos stream " + stream + ", take " + random.nextInt(1000));
    ObjectNode sluice = request.putObject("sluice");
    sluice.put("resumable", true);
    sluice.put("chunking", List.of("raw", "word", "sentence").get(random.nextInt(3)));
    ObjectNode mock = sluice.putObject("mock");
    mock.put("tokens", 1 + random.nextInt(150));
    mock.put("interval_ms", new int[] {0, 1, 2, 4, 12}[random.nextInt(5)]);
    mock.put("messy", random.nextBoolean());
    return request;
  }

  /** The same request without streaming, directly to the server: the text with no drops. */
  private String expected(SluiceServer server, ObjectNode request) throws Exception {
    ObjectNode whole = request.deepCopy();
    whole.put("stream", false);
    ((ObjectNode) whole.get("sluice")).remove("resumable");
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(whole.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String text = Json.MAPPER.readTree(response.body()).at("/choices/0/message/content").asText();
    assertThat(text).isNotEmpty();
    return text;
  }
}
