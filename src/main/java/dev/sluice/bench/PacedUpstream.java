package dev.sluice.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.PriorityQueue;

/**
 * A fake OpenAI-compatible upstream written so that it is never the bottleneck of a benchmark: one
 * thread, one NIO selector, every response byte encoded once at startup. Each {@code POST} gets an
 * HTTP/1.1 chunked SSE stream: the role chunk at once, then {@code tokens} content chunks {@code
 * interval} apart, then the finish chunk, a usage chunk and {@code [DONE]}, and the connection is
 * kept for the next request (so proxies can pool it). Any {@code GET} gets an empty model list.
 *
 * <p>Run as its own process ({@code main}) so that its CPU and file descriptors are not the
 * measured server's; it prints {@code listening <port>} on stdout once it accepts connections.
 */
public final class PacedUpstream implements AutoCloseable {
  private final Selector selector;
  private final ServerSocketChannel server;
  private final long intervalNanos;
  private final ByteBuffer head;
  private final ByteBuffer[] tokens;
  private final ByteBuffer tail;
  private final ByteBuffer models;
  private final PriorityQueue<Connection> due =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));

  public PacedUpstream(int port, int tokenCount, long intervalMillis) throws IOException {
    this.intervalNanos = intervalMillis * 1_000_000L;
    this.head = frames(headers(), chunk(role()));
    this.tokens = new ByteBuffer[tokenCount];
    for (int i = 0; i < tokenCount; i++) {
      tokens[i] = frames("", chunk(content(i)));
    }
    this.tail =
        frames("", chunk(finish()) + chunk(usage(tokenCount)) + chunk("[DONE]") + "0\r\n\r\n");
    String list = "{\"object\":\"list\",\"data\":[]}";
    this.models =
        frames(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + list.length()
                + "\r\n\r\n"
                + list,
            "");
    this.selector = Selector.open();
    this.server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", port), 16_384);
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
  }

  public int port() {
    return server.socket().getLocalPort();
  }

  /** Serves until the thread is interrupted or the upstream closed. */
  public void serve() throws IOException {
    while (server.isOpen() && !Thread.currentThread().isInterrupted()) {
      Connection next = due.peek();
      long waitMillis =
          next == null ? 0 : Math.max(1, (next.dueNanos - System.nanoTime()) / 1_000_000L);
      if (next != null && next.dueNanos <= System.nanoTime()) {
        selector.selectNow();
      } else {
        selector.select(waitMillis);
      }
      Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
      while (keys.hasNext()) {
        SelectionKey key = keys.next();
        keys.remove();
        handle(key);
      }
      sendDue(System.nanoTime());
    }
  }

  private void handle(SelectionKey key) throws IOException {
    if (!key.isValid()) {
      return;
    }
    if (key.isAcceptable()) {
      SocketChannel channel;
      while ((channel = server.accept()) != null) {
        channel.configureBlocking(false);
        channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        Connection c = new Connection(channel);
        c.key = channel.register(selector, SelectionKey.OP_READ, c);
      }
      return;
    }
    Connection c = (Connection) key.attachment();
    try {
      if (key.isWritable()) {
        c.flush();
      }
      if (key.isValid() && key.isReadable()) {
        c.read();
      }
    } catch (IOException e) {
      c.close();
    }
  }

  private void sendDue(long now) {
    Connection c;
    while ((c = due.peek()) != null && c.dueNanos <= now) {
      due.poll();
      if (!c.open) {
        continue;
      }
      try {
        c.sendToken();
      } catch (IOException e) {
        c.close();
      }
    }
  }

  /** One client connection: reads requests, writes the paced response of each. */
  private final class Connection {
    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(16_384);
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private SelectionKey key;
    private boolean open = true;
    private int nextToken = -1; // -1: no response in progress
    private long dueNanos;
    private long bodyStart = -1;
    private long bodyLength;

    Connection(SocketChannel channel) {
      this.channel = channel;
    }

    void read() throws IOException {
      int n = channel.read(in);
      if (n < 0) {
        close();
        return;
      }
      while (nextToken < 0 && requestComplete()) {
        boolean post = in.get(0) == 'P';
        int consumed = (int) (bodyStart + bodyLength);
        in.flip().position(consumed);
        in.compact();
        bodyStart = -1;
        if (post) {
          write(head.duplicate());
          nextToken = 0;
          schedule(System.nanoTime() + intervalNanos);
        } else {
          write(models.duplicate());
        }
      }
    }

    /** Whether {@code in} holds one whole request (headers and Content-Length body). */
    private boolean requestComplete() {
      if (bodyStart < 0) {
        int end = indexOf(in, "\r\n\r\n");
        if (end < 0) {
          return false;
        }
        bodyStart = end + 4;
        bodyLength = contentLength(new String(in.array(), 0, end, StandardCharsets.ISO_8859_1));
      }
      return in.position() >= bodyStart + bodyLength;
    }

    void sendToken() throws IOException {
      if (nextToken < tokens.length) {
        write(tokens[nextToken++].duplicate());
        schedule(dueNanos + intervalNanos);
      } else {
        write(tail.duplicate());
        nextToken = -1;
        read(); // a pipelined next request may already be waiting
      }
    }

    private void schedule(long at) {
      dueNanos = at;
      due.add(this);
    }

    private void write(ByteBuffer bytes) throws IOException {
      out.add(bytes);
      flush();
    }

    void flush() throws IOException {
      while (!out.isEmpty()) {
        ByteBuffer b = out.peek();
        channel.write(b);
        if (b.hasRemaining()) {
          interest(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          return;
        }
        out.poll();
      }
      interest(SelectionKey.OP_READ);
    }

    /** Changes the key's interest only when it differs: each change costs an epoll_ctl call. */
    private void interest(int ops) {
      if (key.isValid() && key.interestOps() != ops) {
        key.interestOps(ops);
      }
    }

    void close() {
      open = false;
      key.cancel();
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing to tell anyone: the benchmark client went away.
      }
    }
  }

  private static int indexOf(ByteBuffer buffer, String needle) {
    byte[] a = buffer.array();
    outer:
    for (int i = 0; i + needle.length() <= buffer.position(); i++) {
      for (int j = 0; j < needle.length(); j++) {
        if (a[i + j] != needle.charAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static long contentLength(String headers) {
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        return Long.parseLong(line.substring(colon + 1).trim());
      }
    }
    return 0;
  }

  private static String headers() {
    return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n";
  }

  private static final String PREFIX =
      "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
          + "\"model\":\"bench\",\"choices\":[";

  private static String role() {
    return PREFIX
        + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}";
  }

  private static String content(int i) {
    String word = i == 0 ? "Stream" : " token" + (i % 10);
    return PREFIX
        + "{\"index\":0,\"delta\":{\"content\":\""
        + word
        + "\"},\"finish_reason\":null}]}";
  }

  private static String finish() {
    return PREFIX + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";
  }

  private static String usage(int tokens) {
    return PREFIX
        + "],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":"
        + tokens
        + ",\"total_tokens\":"
        + (tokens + 8)
        + "}}";
  }

  /** One SSE event as one HTTP chunk. */
  private static String chunk(String data) {
    String event = "data: " + data + "\n\n";
    int length = event.getBytes(StandardCharsets.UTF_8).length;
    return Integer.toHexString(length) + "\r\n" + event + "\r\n";
  }

  private static ByteBuffer frames(String headers, String body) {
    return ByteBuffer.wrap((headers + body).getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
  }

  @Override
  public void close() throws IOException {
    server.close();
    selector.close();
  }

  /** {@code PacedUpstream <port> <tokens> <interval-ms>}: serves until killed. */
  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    try (PacedUpstream upstream =
        new PacedUpstream(port, Integer.parseInt(args[1]), Long.parseLong(args[2]))) {
      System.out.println("listening " + upstream.port());
      System.out.flush();
      upstream.serve();
    }
  }
}
