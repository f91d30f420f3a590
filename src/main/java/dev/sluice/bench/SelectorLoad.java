package dev.sluice.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The closed-loop load generator: {@code concurrency} streams at a time, each worker sending its
 * {@code rounds} requests one after another, all driven by one thread on one NIO selector.
 *
 * <p>Why not a virtual thread per stream: a blocked socket read parks the thread and re-arms the
 * JDK's poller, two wake-ups and a system call per received chunk, which at 100,000 chunks a second
 * made the generator itself the bottleneck of a 2-core machine (the direct-to-upstream baseline
 * stalled). A selector reads every ready socket in one pass, with no re-arming.
 */
final class SelectorLoad {
  private final InetSocketAddress target;
  private final ByteBuffer request;
  private final int tokens;
  private final List<StreamProbe.Result> results = new ArrayList<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  private final byte[] bytes = new byte[64 * 1024];

  SelectorLoad(InetSocketAddress target, byte[] request, int tokens) {
    this.target = target;
    this.request = ByteBuffer.wrap(request).asReadOnlyBuffer();
    this.tokens = tokens;
  }

  /** Runs the load; returns every stream's result. */
  List<StreamProbe.Result> run(int concurrency, int rounds, long spreadMillis) throws IOException {
    long start = System.nanoTime();
    PriorityQueue<long[]> starts = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    for (int w = 0; w < concurrency; w++) {
      starts.add(new long[] {start + spreadMillis * 1_000_000L * w / concurrency, rounds});
    }
    int open = 0;
    try (Selector selector = Selector.open()) {
      while (!starts.isEmpty() || open > 0) {
        long now = System.nanoTime();
        while (!starts.isEmpty() && starts.peek()[0] <= now) {
          long[] worker = starts.poll();
          open(selector, (int) worker[1]);
          open++;
        }
        long wait = starts.isEmpty() ? 1000 : Math.max(1, (starts.peek()[0] - now) / 1_000_000L);
        selector.select(wait);
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          Stream s = (Stream) key.attachment();
          Boolean finished = s.handle(key);
          if (finished != null) {
            results.add(s.result(finished));
            key.cancel();
            s.channel.close();
            open--;
            if (s.roundsLeft > 1) {
              starts.add(new long[] {System.nanoTime(), s.roundsLeft - 1});
            }
          }
        }
      }
    }
    return results;
  }

  private void open(Selector selector, int roundsLeft) throws IOException {
    SocketChannel channel = SocketChannel.open();
    channel.configureBlocking(false);
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    Stream s = new Stream(channel, roundsLeft);
    if (channel.connect(target)) {
      s.connected = true;
      channel.register(selector, SelectionKey.OP_WRITE, s);
    } else {
      channel.register(selector, SelectionKey.OP_CONNECT, s);
    }
  }

  /** One request on its own connection, parsed as its bytes arrive. */
  private final class Stream {
    final SocketChannel channel;
    final int roundsLeft;
    final ByteBuffer out = request.duplicate();
    final ResponseScan scan = new ResponseScan();
    final ContentTimes times = new ContentTimes(System.nanoTime(), tokens);
    boolean connected;
    String error;

    Stream(SocketChannel channel, int roundsLeft) {
      this.channel = channel;
      this.roundsLeft = roundsLeft;
    }

    /** Null while the stream goes on; true when it ended with [DONE], false when it failed. */
    Boolean handle(SelectionKey key) {
      try {
        if (key.isConnectable() && channel.finishConnect()) {
          connected = true;
          key.interestOps(SelectionKey.OP_WRITE);
        }
        if (connected && key.isWritable()) {
          channel.write(out);
          if (!out.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ);
          }
          return null;
        }
        if (key.isReadable()) {
          return read();
        }
        return null;
      } catch (IOException e) {
        error = e.getClass().getSimpleName() + ": " + e.getMessage();
        return false;
      }
    }

    private Boolean read() throws IOException {
      readBuffer.clear();
      int n = channel.read(readBuffer);
      if (n < 0) {
        error = "connection closed after " + times.events() + " content events";
        return false;
      }
      readBuffer.flip();
      readBuffer.get(bytes, 0, n);
      long now = System.nanoTime();
      for (int kind : scan.feed(bytes, n)) {
        switch (kind) {
          case ResponseScan.CONTENT -> times.arrived(now);
          case ResponseScan.DONE -> {
            return true;
          }
          default -> {
            error = scan.failure();
            return false;
          }
        }
      }
      return null;
    }

    StreamProbe.Result result(boolean ok) {
      return ok ? times.completed() : ContentTimes.failed(error);
    }
  }

  static byte[] request(InetSocketAddress target, String path, String body) {
    byte[] json = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: "
            + target.getHostString()
            + ":"
            + target.getPort()
            + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n"
            + "Connection: close\r\nContent-Length: "
            + json.length
            + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[h.length + json.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(json, 0, all, h.length, json.length);
    return all;
  }
}
