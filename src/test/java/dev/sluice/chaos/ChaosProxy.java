package dev.sluice.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on {@code 127.0.0.1} and a random port in front of a server, which cuts client
 * connections the way a flaky network does: after exactly N bytes of the response, wherever they
 * fall (in the status line, between the id and the data of an event, inside a UTF-8 character).
 * Requests pass through untouched; a {@link CutPlan} decides each connection's fate from its
 * request head.
 *
 * <p>A cut closes both sides: the client sees the first N bytes and then EOF (or, for {@link
 * Cut#reset}, a TCP reset, which may also discard bytes the client had not read yet), and the
 * server sees its client gone. A client that closes its side ends the connection at once, so that
 * the server notices as it would without the proxy. Every connection runs on two virtual threads.
 */
public final class ChaosProxy implements AutoCloseable {

  /**
   * How to cut one connection.
   *
   * @param afterBytes how many response bytes the client gets before the cut
   * @param reset close with a TCP reset (SO_LINGER 0) rather than a FIN
   */
  public record Cut(long afterBytes, boolean reset) {}

  /** Decides, per connection, whether and where it is cut. */
  @FunctionalInterface
  public interface CutPlan {
    /**
     * @param connection the connection's number, from 0 in the order they were accepted
     * @param requestHead the request line and headers, as ISO-8859-1 text
     * @return the cut, or null to relay the connection untouched
     */
    Cut cut(int connection, String requestHead);
  }

  /**
   * The header a client sets to choose its own cut, as {@code <bytes>} or {@code <bytes> reset}.
   */
  public static final String CUT_HEADER = "X-Chaos-Cut";

  /** A plan that reads each connection's cut from its {@link #CUT_HEADER}; none, no cut. */
  public static CutPlan cutsFromHeader() {
    return (connection, head) -> {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(CUT_HEADER)) {
          String[] value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT).split(" ");
          return new Cut(Long.parseLong(value[0]), value.length > 1 && value[1].equals("reset"));
        }
      }
      return null;
    };
  }

  /**
   * A seeded plan: connection {@code n} is cut with probability {@code p}, after a uniform number
   * of bytes below {@code maxBytes}, closed by a FIN or a reset at random. Connection {@code n}'s
   * fate depends only on the seed and {@code n}.
   */
  public static CutPlan randomCuts(long seed, double p, int maxBytes) {
    return (connection, head) -> {
      SplittableRandom random = new SplittableRandom(seed * 31 + connection);
      return random.nextDouble() < p
          ? new Cut(random.nextInt(maxBytes), random.nextBoolean())
          : null;
    };
  }

  private final ServerSocket server;
  private final int targetPort;
  private final CutPlan plan;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();

  private ChaosProxy(int targetPort, CutPlan plan) throws IOException {
    this.targetPort = targetPort;
    this.plan = plan;
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    acceptor = Thread.ofPlatform().daemon().name("chaos-proxy-accept").start(this::acceptLoop);
  }

  /** Starts a proxy in front of {@code 127.0.0.1:targetPort}. */
  public static ChaosProxy start(int targetPort, CutPlan plan) throws IOException {
    return new ChaosProxy(targetPort, plan);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The OpenAI base URL through the proxy: {@code http://127.0.0.1:<port>/v1}. */
  public URI openAiBaseUrl() {
    return URI.create("http://127.0.0.1:" + port() + "/v1");
  }

  /** How many connections were accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** How many connections were cut so far. */
  public int cuts() {
    return cuts.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        int number = connections.getAndIncrement();
        Thread.ofVirtual().name("chaos-proxy-conn").start(() -> relay(client, number));
      } catch (IOException e) {
        return; // Closed.
      }
    }
  }

  private void relay(Socket client, int number) {
    open.add(client);
    Socket target = null;
    try (client) {
      target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      open.add(target);
      client.setTcpNoDelay(true);
      target.setTcpNoDelay(true);
      CompletableFuture<String> head = new CompletableFuture<>();
      Socket server = target;
      Thread requests =
          Thread.ofVirtual()
              .name("chaos-proxy-up")
              .start(() -> forwardRequests(client, server, head));
      forwardResponses(target, client, head, number);
      closeBoth(client, target, false);
      requests.join();
    } catch (IOException | InterruptedException e) {
      // The target refused, or the proxy is closing: the client simply loses its connection.
    } finally {
      open.remove(client);
      if (target != null) {
        closeBoth(client, target, false);
        open.remove(target);
      }
    }
  }

  /** Client to server, untouched; the request head is captured for the plan. */
  private void forwardRequests(Socket client, Socket target, CompletableFuture<String> head) {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    try {
      InputStream in = client.getInputStream();
      OutputStream out = target.getOutputStream();
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (!head.isDone()) {
          seen.write(buffer, 0, n);
          String text = seen.toString(StandardCharsets.ISO_8859_1);
          int end = text.indexOf("\r\n\r\n");
          if (end >= 0) {
            head.complete(text.substring(0, end));
          }
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // Either side closed; the response direction ends the connection.
    } finally {
      head.complete(seen.toString(StandardCharsets.ISO_8859_1));
      // HTTP clients never half-close, so an EOF from the client means it left: let the server see.
      closeBoth(client, target, false);
    }
  }

  /** Server to client, cut where the plan says. */
  private void forwardResponses(
      Socket target, Socket client, CompletableFuture<String> head, int number)
      throws InterruptedException {
    try {
      InputStream in = target.getInputStream();
      OutputStream out = client.getOutputStream();
      byte[] buffer = new byte[8192];
      Cut cut = null;
      long sent = 0;
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (sent == 0) {
          // The server answers only after reading the head, so the plan can be asked now.
          cut = plan.cut(number, head.get());
        }
        if (cut != null && sent + n >= cut.afterBytes()) {
          out.write(buffer, 0, (int) (cut.afterBytes() - sent));
          out.flush();
          cuts.incrementAndGet();
          closeBoth(client, target, cut.reset());
          return;
        }
        out.write(buffer, 0, n);
        out.flush();
        sent += n;
      }
    } catch (IOException e) {
      // Either side closed: the connection is over.
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void closeBoth(Socket client, Socket target, boolean reset) {
    try {
      if (reset) {
        client.setSoLinger(true, 0);
      }
      client.close();
    } catch (IOException ignored) {
      // Already closed.
    }
    try {
      target.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : open) {
      socket.close();
    }
    try {
      acceptor.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
