package dev.sluice.provider;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake OpenAI-compatible upstream: a real HTTP/1.1 server on {@code 127.0.0.1} and a random port,
 * written on a raw {@link ServerSocket} so that the test controls every byte and every flush.
 *
 * <p>{@code POST /v1/chat/completions} answers with the scripted {@link Response}: an SSE body is
 * sent with chunked transfer encoding, one HTTP chunk per slice, flushed one by one (with an
 * optional pause between slices, which simulates a slow network so that each slice reaches the
 * client in its own read). {@code GET /v1/models} answers 200. Every request is recorded.
 *
 * <p>A {@link Response#hang} response sends its headers and first slices, then waits for the client
 * to close the connection, which {@link #clientClosed()} observes. A paced response watches the
 * connection during its pauses, so {@link #clientClosed()} also observes a client that closes it
 * mid-stream. A {@link Response#resetting} one ends with a TCP reset instead of a close.
 *
 * <p>Responses queued with {@link #then} answer the next chat requests one each, in order; after
 * them (or without them) every request gets the {@link #script}.
 */
public final class FakeUpstream implements AutoCloseable {

  /** One request as received. Header names are lower case. */
  public record Recorded(String method, String path, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * A scripted answer.
   *
   * @param slices the body, written and flushed piece by piece
   * @param chunked send the body with chunked transfer encoding (else with Content-Length)
   * @param endCleanly for a chunked body: send the last chunk; if false the connection is simply
   *     dropped after the slices, as when an upstream dies mid-stream
   * @param hang after the slices, wait until the client closes the connection
   * @param reset after the slices, reset the connection (RST) instead of ending the body
   */
  public record Response(
      int status,
      Map<String, String> headers,
      List<byte[]> slices,
      Duration pause,
      boolean chunked,
      boolean endCleanly,
      boolean hang,
      boolean reset) {

    /** An SSE stream, cut after each of the given byte offsets. */
    public static Response sse(byte[] body, int... cuts) {
      return new Response(
          200, sseHeaders(), cut(body, cuts), Duration.ZERO, true, true, false, false);
    }

    public static Response sse(String body) {
      return sse(body.getBytes(StandardCharsets.UTF_8));
    }

    /** The headers, then the given slices, then nothing until the client goes away. */
    static Response hang(String... firstSlices) {
      List<byte[]> slices = new ArrayList<>();
      for (String s : firstSlices) {
        slices.add(s.getBytes(StandardCharsets.UTF_8));
      }
      return new Response(200, sseHeaders(), slices, Duration.ZERO, true, true, true, false);
    }

    /** An event-stream's headers, then nothing until the client goes away. */
    static Response stall() {
      return hang(new String[0]);
    }

    /** A plain (non-streaming) answer, such as an OpenAI error. */
    static Response status(int status, String contentType, String body) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", contentType);
      headers.put("x-request-id", "req_fake_error");
      return new Response(
          status,
          headers,
          List.of(body.getBytes(StandardCharsets.UTF_8)),
          Duration.ZERO,
          false,
          true,
          false,
          false);
    }

    public Response withPause(Duration pause) {
      return new Response(status, headers, slices, pause, chunked, endCleanly, hang, reset);
    }

    Response droppingConnection() {
      return new Response(status, headers, slices, pause, chunked, false, hang, reset);
    }

    /**
     * After the slices and one more pause, the connection is reset (RST), as by a crashed upstream
     * or a proxy.
     */
    Response resetting() {
      return new Response(status, headers, slices, pause, chunked, false, false, true);
    }

    Response withHeader(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Response(status, h, slices, pause, chunked, endCleanly, hang, reset);
    }

    private static Map<String, String> sseHeaders() {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", "text/event-stream; charset=utf-8");
      headers.put("Cache-Control", "no-cache");
      headers.put("x-request-id", "req_fake_stream");
      headers.put("openai-processing-ms", "87");
      return headers;
    }

    static List<byte[]> cut(byte[] body, int... cuts) {
      List<byte[]> slices = new ArrayList<>();
      int from = 0;
      for (int at : java.util.Arrays.stream(cuts).sorted().distinct().toArray()) {
        if (at > from && at < body.length) {
          slices.add(java.util.Arrays.copyOfRange(body, from, at));
          from = at;
        }
      }
      slices.add(java.util.Arrays.copyOfRange(body, from, body.length));
      return slices;
    }
  }

  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final CountDownLatch clientClosed = new CountDownLatch(1);
  private final Queue<Response> queued = new ConcurrentLinkedQueue<>();
  private final AtomicInteger chatRequests = new AtomicInteger();
  private volatile Response script = Response.sse("data: [DONE]\n\n");
  private volatile boolean recording = true;

  private FakeUpstream() throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    acceptor = Thread.ofPlatform().daemon().name("fake-upstream-accept").start(this::acceptLoop);
  }

  public static FakeUpstream start() throws IOException {
    return new FakeUpstream();
  }

  /** The base URL a ModelConfig uses: {@code http://127.0.0.1:<port>/v1}. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1");
  }

  /** Answers every following chat completions request with {@code response}. */
  public FakeUpstream script(Response response) {
    this.script = response;
    return this;
  }

  /** Answers the next chat completions requests with {@code responses}, one each, in order. */
  FakeUpstream then(Response... responses) {
    queued.addAll(List.of(responses));
    return this;
  }

  /** Stops recording requests, so that a test measuring the heap does not measure the record. */
  FakeUpstream notRecording() {
    recording = false;
    return this;
  }

  /** How many connections from clients are open now. */
  public int openConnections() {
    return open.size();
  }

  /** How many chat completions requests arrived. */
  int chatRequests() {
    return chatRequests.get();
  }

  List<Recorded> requests() {
    return List.copyOf(requests);
  }

  public Recorded lastChatRequest() {
    return requests.stream()
        .filter(r -> r.path().equals("/v1/chat/completions"))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("the fake upstream received no chat request"));
  }

  /** Counted down when the client closes a connection held open by a {@link Response#hang}. */
  public CountDownLatch clientClosed() {
    return clientClosed;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        open.add(socket);
        Thread.ofVirtual().name("fake-upstream-conn").start(() -> serve(socket));
      } catch (IOException e) {
        return; // Closed.
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      Recorded request = readRequest(in);
      if (request == null) {
        return;
      }
      if (recording) {
        requests.add(request);
      }
      if (request.method().equals("GET") && request.path().equals("/v1/models")) {
        write(
            socket,
            out,
            Response.status(200, "application/json", "{\"object\":\"list\",\"data\":[]}"));
      } else if (request.method().equals("POST") && request.path().equals("/v1/chat/completions")) {
        chatRequests.incrementAndGet();
        Response next = queued.poll();
        Response response = next != null ? next : script;
        write(socket, out, response);
        if (response.hang()) {
          awaitClientClose(in);
        } else if (response.reset()) {
          // A reset discards what the client has not read yet: give it the pause to read the
          // slices first (network pacing, as between slices), then close() sends RST, not FIN.
          try {
            Thread.sleep(response.pause());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          socket.setSoLinger(true, 0);
        }
      } else {
        write(
            socket,
            out,
            Response.status(404, "application/json", "{\"error\":{\"message\":\"nf\"}}"));
      }
    } catch (IOException e) {
      // The client went away or the fake was closed: nothing to answer.
    } finally {
      open.remove(socket);
    }
  }

  private void awaitClientClose(InputStream in) {
    try {
      while (in.read() >= 0) {
        // The client sends nothing more on this connection; discard whatever it does send.
      }
    } catch (IOException reset) {
      // A reset is a close too.
    }
    clientGone();
  }

  private void clientGone() {
    if (!server.isClosed()) {
      clientClosed.countDown();
    }
  }

  private void write(Socket socket, OutputStream out, Response r) throws IOException {
    StringBuilder head = new StringBuilder("HTTP/1.1 " + r.status() + " " + reason(r.status()));
    head.append("\r\n");
    r.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (r.chunked()) {
      head.append("Transfer-Encoding: chunked\r\n");
    } else {
      head.append("Content-Length: ")
          .append(r.slices().stream().mapToInt(s -> s.length).sum())
          .append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    for (int i = 0; i < r.slices().size(); i++) {
      // Network pacing, not synchronisation: lets each slice arrive in its own read.
      if (i > 0 && !r.pause().isZero() && closedDuring(socket, r.pause())) {
        clientGone();
        return;
      }
      byte[] slice = r.slices().get(i);
      if (r.chunked()) {
        if (slice.length == 0) {
          continue; // An empty chunk would end the body.
        }
      }
      try {
        if (r.chunked()) {
          out.write(
              (Integer.toHexString(slice.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(slice);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
          out.write(slice);
        }
        out.flush();
      } catch (IOException e) {
        clientGone(); // the client reset the connection in the middle of the body
        throw e;
      }
    }
    if (r.chunked() && r.endCleanly() && !r.hang()) {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }

  /**
   * Waits out a pause between slices while watching the connection: true as soon as the client
   * closes it. The client sends nothing after its request, so whatever it does send is dropped.
   */
  private static boolean closedDuring(Socket socket, Duration pause) throws IOException {
    long deadline = System.nanoTime() + pause.toNanos();
    try {
      for (long left; (left = deadline - System.nanoTime()) > 0; ) {
        socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
        try {
          if (socket.getInputStream().read() < 0) {
            return true;
          }
        } catch (SocketTimeoutException paused) {
          return false;
        }
      }
      return false;
    } catch (IOException reset) {
      return true; // a reset is a close too
    } finally {
      socket.setSoTimeout(0);
    }
  }

  private static Recorded readRequest(InputStream in) throws IOException {
    String requestLine = readLine(in);
    if (requestLine == null || requestLine.isEmpty()) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Recorded(
        parts[0], parts[1], Map.copyOf(headers), new String(body, StandardCharsets.UTF_8));
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
    return null;
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 400 -> "Bad Request";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : open) {
      socket.close();
    }
    try {
      acceptor.join(Duration.ofSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
