package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.StreamsConfig;
import dev.sluice.provider.FakeUpstream;
import dev.sluice.provider.OpenAiFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code streams.client_stall_ms}: a write to a client that does not read blocks at most that long,
 * then the client is dropped and its upstream cancelled, even when the stream buffer is far from
 * full. A long upstream silence is not a stall: the stall is Jetty's idle timeout, which only cuts
 * a write (or read) that is pending, so a request whose upstream says nothing for longer than the
 * stall, streamed with no heartbeat in the silence or not streamed at all, still gets its answer.
 */
@Timeout(30)
class ClientStallTest {
  private static final Duration STALL = Duration.ofMillis(500);
  private static final String MODEL = "upstream";

  private FakeUpstream upstream;
  private SluiceServer server;

  @BeforeEach
  void start() throws IOException {
    upstream = FakeUpstream.start();
    ModelConfig model =
        new ModelConfig(
            MODEL, "openai", "gpt-4o", upstream.baseUrl(), "sk-test", null, Duration.ofSeconds(2));
    // A buffer that a stalled client cannot fill in this test: only the stall can drop it. And a
    // heartbeat longer than any silence here: no keep-alive is what keeps a connection open.
    StreamsConfig streams =
        new StreamsConfig(Duration.ofSeconds(5), Duration.ofMinutes(5), 64L << 20, STALL);
    server =
        SluiceServer.start(
            new SluiceConfig(
                new ServerConfig("127.0.0.1", 0, null, ServerConfig.DEFAULT_MAX_BODY_BYTES),
                streams,
                List.of(ModelConfig.mock(), model),
                "test"));
    server.fixSocketSendBuffer(4 * 1024); // see StalledClientsTest
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    upstream.close();
  }

  @Test
  void aClientThatStopsReadingIsDroppedAfterTheStallAndItsUpstreamClosed() throws Exception {
    // 2,000 deltas of 100 letters, 5 ms apart: 10 s if nobody cut it.
    List<String> deltas = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      deltas.add((i == 0 ? "" : " ") + "x".repeat(99));
    }
    List<String> events = UpstreamScripts.textEvents(deltas);
    int[] cuts = new int[events.size()];
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < events.size(); i++) {
      body.append("data: ").append(events.get(i)).append("\n\n");
      cuts[i] = body.length(); // ASCII: chars are bytes
    }
    upstream.script(
        FakeUpstream.Response.sse(body.toString().getBytes(StandardCharsets.US_ASCII), cuts)
            .withPause(Duration.ofMillis(5)));

    try (Socket client = neverReadingClient(request(true))) {
      long start = System.nanoTime();
      assertThat(upstream.clientClosed().await(8, TimeUnit.SECONDS))
          .as("the upstream saw its connection closed after the client stalled")
          .isTrue();
      System.out.printf(
          "ClientStallTest: upstream closed %d ms after the request%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      await().atMost(Duration.ofSeconds(2)).until(() -> server.metrics().activeStreams() == 0);
      assertThat(streams("client_gone")).isEqualTo(1);
      assertThat(streams("completed")).isZero();
      assertThat(client.isClosed()).isFalse(); // dropped by the server, not by the client
    }
  }

  @Test
  void aNonStreamingRequestOutlivesAnUpstreamSilenceLongerThanTheStall() {
    upstream.script(silentAfterFirstText());

    HttpResponse<String> response = TestHttp.post(TestHttp.client(), server, request(false));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(TestHttp.json(response.body()).at("/choices/0/message/content").asText())
        .isEqualTo("Thinking done.");
  }

  @Test
  void aStreamOutlivesAnUpstreamSilenceLongerThanTheStallWithNoHeartbeatInIt() {
    upstream.script(silentAfterFirstText());

    HttpResponse<String> response = TestHttp.post(TestHttp.client(), server, request(true));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).doesNotContain(": keep-alive").endsWith("data: [DONE]\n\n");
    StringBuilder text = new StringBuilder();
    for (String event : response.body().split("\n\n")) {
      String data = event.substring(event.indexOf("data: ") + 6);
      if (data.startsWith("{")) {
        text.append(TestHttp.json(data).at("/choices/0/delta/content").asText(""));
      }
    }
    assertThat(text).hasToString("Thinking done.");
  }

  /** A first text, then silence for three stalls, then the rest. */
  private static FakeUpstream.Response silentAfterFirstText() {
    List<String> events = UpstreamScripts.textEvents(List.of("Thinking", " done."));
    String first = OpenAiFixtures.sse(events.subList(0, 2), "\n");
    String rest = OpenAiFixtures.sse(events.subList(2, events.size()), "\n");
    return FakeUpstream.Response.sse(
            (first + rest).getBytes(StandardCharsets.UTF_8),
            first.getBytes(StandardCharsets.UTF_8).length)
        .withPause(STALL.multipliedBy(3));
  }

  private static String request(boolean stream) {
    return "{\"model\":\""
        + MODEL
        + "\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Go on\"}]}";
  }

  /** A connection that sends one request and never reads the answer. */
  private Socket neverReadingClient(String json) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(1024); // before connect, so that the TCP window stays small
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write(
        ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    request.write(body);
    socket.getOutputStream().write(request.toByteArray());
    return socket;
  }

  private double streams(String outcome) {
    return server
        .metrics()
        .registry()
        .counter("sluice.streams", "model", MODEL, "outcome", outcome)
        .count();
  }
}
