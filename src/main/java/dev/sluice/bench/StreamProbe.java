package dev.sluice.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One streaming chat request on a blocking socket, timed from the client's side: the time to the
 * first non-empty content event and the gap before each later one. The response is read by the same
 * {@link ResponseScan} as the selector-driven load, so both count events alike.
 *
 * <p>Blocking, meant for a virtual thread; one instance per request. Used where streams are many
 * but their chunks few (the hold-open run); {@link SelectorLoad} drives the high-rate runs.
 */
final class StreamProbe {
  /** What one request saw. {@code gapsNanos} holds {@code contentEvents - 1} entries. */
  record Result(
      boolean ok, String error, long firstTokenNanos, long[] gapsNanos, int contentEvents) {}

  /** Called once the first content event has arrived, for hold-open runs. */
  interface FirstToken {
    void arrived();
  }

  private final InetSocketAddress target;
  private final byte[] request;

  StreamProbe(InetSocketAddress target, String path, String body) {
    this.target = target;
    this.request = SelectorLoad.request(target, path, body);
  }

  Result run(int expectedContentEvents, FirstToken onFirst) {
    ContentTimes times = new ContentTimes(System.nanoTime(), expectedContentEvents);
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(target, 10_000);
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      ResponseScan scan = new ResponseScan();
      byte[] buffer = new byte[8192];
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          return ContentTimes.failed(
              "connection closed after " + times.events() + " content events");
        }
        long now = System.nanoTime();
        for (int kind : scan.feed(buffer, n)) {
          if (kind == ResponseScan.DONE) {
            return times.completed();
          }
          if (kind == ResponseScan.FAILED) {
            return ContentTimes.failed(scan.failure());
          }
          if (times.arrived(now) && onFirst != null) {
            onFirst.arrived();
          }
        }
      }
    } catch (IOException e) {
      return ContentTimes.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
