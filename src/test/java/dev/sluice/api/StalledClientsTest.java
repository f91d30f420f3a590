package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.config.ModelConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.StreamsConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A thousand clients that open a stream and never read it. Each stream keeps at most {@code
 * streams.buffer_bytes} of unread events, so once the socket buffers are full the server drops the
 * client and cancels its upstream (here the mock, which would otherwise stream for a long time),
 * and the heap holds a bounded amount per stalled client, not the reply.
 *
 * <p>The clients are raw sockets with a tiny receive buffer, and the server's sockets get a small
 * fixed send buffer, so that the kernel absorbs little and the server's own buffering is what is
 * measured (see {@link SluiceServer#fixSocketSendBuffer}).
 */
@Timeout(90)
class StalledClientsTest {
  private static final int CLIENTS = 1000;
  private static final int BUFFER_BYTES = 16 * 1024;

  /**
   * The most heap one stalled client may cost the server while it stays connected: its unread log
   * ({@link #BUFFER_BYTES}), the frames its blocked write still holds (up to as much again), and
   * Jetty's connection, the request's virtual threads and the test's own socket (measured: 20 to 50
   * KiB together, depending on the machine). The reply itself is about 1 MiB per stream: holding it
   * would break this bound many times over.
   */
  private static final long HEAP_PER_CLIENT = 2L * BUFFER_BYTES + 64 * 1024;

  /**
   * 5,000 tokens (about 1 MiB of events, 10 s at 2 ms a token): far more than the socket buffers
   * and the stream buffer hold.
   */
  private static final String REQUEST =
      """
      {"model":"mock","stream":true,"messages":[{"role":"user","content":"Go on"}],
       "sluice":{"mock":{"tokens":5000,"interval_ms":2}}}""";

  private SluiceServer server;
  private final List<Socket> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    StreamsConfig streams =
        new StreamsConfig(
            Duration.ofSeconds(15), Duration.ofMinutes(5), BUFFER_BYTES, Duration.ofSeconds(60));
    server =
        SluiceServer.start(
            new SluiceConfig(
                new ServerConfig("127.0.0.1", 0, null, ServerConfig.DEFAULT_MAX_BODY_BYTES),
                streams,
                List.of(ModelConfig.mock()),
                "test"));
    server.fixSocketSendBuffer(4 * 1024);
  }

  @AfterEach
  void stop() throws IOException {
    closeClients();
    server.close();
  }

  @Test
  void aThousandClientsThatNeverReadAreDroppedWithBoundedHeap() throws Exception {
    // Warm-up: class loading, JIT and Jetty's pools are not what this test measures; nor is the
    // tokenizer (tens of MB, shared by the process), which the server loads in the background at
    // start: wait for it, or a baseline taken before it is loaded counts it against the clients.
    stallAndAwaitDrop(20);
    closeClients();
    new dev.sluice.openai.TokenCounter().count("loaded before the baseline");
    long heapBefore = usedHeapAfterGc();

    stallAndAwaitDrop(CLIENTS);

    // Every client is still connected (none ever read a byte), yet its upstream is gone.
    long heapStalled = usedHeapAfterGc();
    long perClient = (heapStalled - heapBefore) / CLIENTS;
    System.out.printf(
        "StalledClientsTest: heap %d KiB before, %d KiB with %d stalled clients (%d bytes each,"
            + " bound %d)%n",
        heapBefore / 1024, heapStalled / 1024, CLIENTS, perClient, HEAP_PER_CLIENT);
    assertThat(heapStalled)
        .as("used heap with %d stalled clients, %d bytes each", CLIENTS, perClient)
        .isLessThanOrEqualTo(heapBefore + CLIENTS * HEAP_PER_CLIENT);
    assertThat(streams("completed")).as("no stream ran to its end").isZero();

    closeClients();
    var response = TestHttp.post(TestHttp.client(), server, TestHttp.GOOD_REQUEST);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(TestHttp.json(response.body()).at("/choices/0/message/content").asText())
        .isNotEmpty();
  }

  /**
   * Opens {@code count} streams that are never read, then waits until the server has dropped each
   * one: counted as {@code client_gone}, with no stream left active.
   */
  private void stallAndAwaitDrop(int count) throws Exception {
    double goneBefore = streams("client_gone");
    // A few connects at a time: Jetty's accept queue is short, and an overflowing one drops SYNs.
    Semaphore connecting = new Semaphore(16);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Socket>> opened = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        connecting.acquire();
        opened.add(
            pool.submit(
                () -> {
                  try {
                    return stalledClient();
                  } finally {
                    connecting.release();
                  }
                }));
      }
      for (Future<Socket> socket : opened) {
        clients.add(socket.get());
      }
    }
    await("all " + count + " stalled clients dropped")
        .atMost(Duration.ofSeconds(60))
        .until(() -> streams("client_gone") - goneBefore >= count);
    await("active streams back to 0")
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.metrics().activeStreams() == 0);
  }

  /** A connection that sends one streaming request and never reads the answer. */
  private Socket stalledClient() throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(1024); // before connect, so that the TCP window stays small
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
    byte[] body = REQUEST.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write(head.getBytes(StandardCharsets.US_ASCII));
    request.write(body);
    socket.getOutputStream().write(request.toByteArray());
    return socket;
  }

  private void closeClients() throws IOException {
    for (Socket socket : clients) {
      socket.close();
    }
    clients.clear();
  }

  private double streams(String outcome) {
    return server
        .metrics()
        .registry()
        .counter("sluice.streams", "model", "mock", "outcome", outcome)
        .count();
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
