package dev.sluice.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.openai.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * http_get against a server that reads the request and then stalls: the time limit covers the whole
 * call, body included, and interruption ends the call at once; either way the connection is closed,
 * which the server sees as the end of its input.
 */
class HttpGetStallTest {
  private StallServer server;
  private HttpGetTool tool;

  @AfterEach
  void stop() throws IOException {
    if (tool != null) {
      tool.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /**
   * Serves one connection on 127.0.0.1: reads the request head, sends {@code partial} (or nothing),
   * then reads on until the client closes the connection.
   */
  private static final class StallServer implements AutoCloseable {
    final ServerSocket socket;
    final CountDownLatch requested = new CountDownLatch(1);
    final CountDownLatch closedByClient = new CountDownLatch(1);
    private final String partial;

    StallServer(String partial) throws IOException {
      this.partial = partial;
      socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      Thread.ofVirtual().name("stall-server").start(this::serve);
    }

    String url() {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/stall";
    }

    private void serve() {
      try (Socket connection = socket.accept()) {
        InputStream in = connection.getInputStream();
        int matched = 0; // of "\r\n\r\n", the end of the request head
        while (matched < 4) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        if (partial != null) {
          connection.getOutputStream().write(partial.getBytes(StandardCharsets.UTF_8));
          connection.getOutputStream().flush();
        }
        requested.countDown();
        while (in.read() >= 0) {
          // Nothing more comes from a GET; this returns when the client closes.
        }
        closedByClient.countDown();
      } catch (IOException e) {
        closedByClient.countDown(); // a reset by the client is a close too
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private String get(String url) throws Exception {
    return tool.call(Json.MAPPER.createObjectNode().put("url", url));
  }

  @Test
  void givesUpWhenNoResponseComesInTime() throws Exception {
    server = new StallServer(null);
    tool = new HttpGetTool(List.of("127.0.0.1"), 1024, Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThatThrownBy(() -> get(server.url()))
        .isInstanceOf(ToolException.class)
        .hasMessage("Fetching " + server.url() + " did not finish within 300 ms; gave up.");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(290), Duration.ofSeconds(3));
    assertThat(server.closedByClient.await(5, TimeUnit.SECONDS)).as("connection closed").isTrue();
  }

  @Test
  void theLimitCoversABodyThatStalls() throws Exception {
    server =
        new StallServer(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\npartial");
    tool = new HttpGetTool(List.of("127.0.0.1"), 1024, Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThatThrownBy(() -> get(server.url()))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("did not finish within 300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(server.closedByClient.await(5, TimeUnit.SECONDS)).as("connection closed").isTrue();
  }

  @Test
  void interruptionCancelsTheRequestPromptly() throws Exception {
    server = new StallServer(null);
    tool = new HttpGetTool(List.of("127.0.0.1"), 1024, Duration.ofMinutes(1));
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    outcome.set(new AssertionError("returned " + get(server.url())));
                  } catch (Throwable t) {
                    outcome.set(t);
                  }
                });
    assertThat(server.requested.await(5, TimeUnit.SECONDS)).as("request arrived").isTrue();
    long interrupted = System.nanoTime();
    caller.interrupt();
    assertThat(caller.join(Duration.ofSeconds(2))).as("call ended").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isLessThan(Duration.ofSeconds(1));
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    assertThat(server.closedByClient.await(5, TimeUnit.SECONDS)).as("connection closed").isTrue();
  }

  @Test
  void anAlreadyInterruptedCallThrowsAtOnce() throws Exception {
    server = new StallServer(null);
    tool = new HttpGetTool(List.of("127.0.0.1"), 1024, Duration.ofMinutes(1));
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> get(server.url())).isInstanceOf(InterruptedException.class);
    } finally {
      Thread.interrupted();
    }
  }
}
