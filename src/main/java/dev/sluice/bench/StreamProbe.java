package dev.sluice.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One streaming chat request, timed from the client's side over a plain socket: the time to the
 * first non-empty content event and the gap before each later one. HTTP/1.1 is parsed by hand
 * (status, headers, chunked or plain body) so that the load generator spends microseconds per
 * event, not the tens an HTTP client library would, and never becomes what is measured.
 *
 * <p>Blocking, meant for a virtual thread; one instance per request.
 */
final class StreamProbe {
  /** What one request saw. {@code gapsNanos} holds {@code contentEvents - 1} entries. */
  record Result(
      boolean ok, String error, long firstTokenNanos, long[] gapsNanos, int contentEvents) {}

  /** Called once the first content event has arrived, for hold-open runs. */
  interface FirstToken {
    void arrived();
  }

  private static final String CONTENT_KEY = "\"content\":\"";

  private final InetSocketAddress target;
  private final byte[] request;

  StreamProbe(InetSocketAddress target, String path, String body) {
    this.target = target;
    this.request = SelectorLoad.request(target, path, body);
  }

  Result run(int expectedContentEvents, FirstToken onFirst) {
    long start = System.nanoTime();
    long[] gaps = new long[Math.max(0, expectedContentEvents - 1)];
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(target, 10_000);
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
      String status = line(in);
      if (!status.startsWith("HTTP/1.1 200")) {
        return failed("status " + status);
      }
      boolean chunked = false;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        chunked |= h.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding: chunked");
      }
      InputStream body = chunked ? new ChunkedBody(in) : in;
      EventScan scan = new EventScan(body);
      int events = 0;
      long firstNanos = -1;
      long last = 0;
      while (true) {
        int kind = scan.next();
        if (kind == EventScan.END) {
          return failed("stream ended without [DONE] after " + events + " content events");
        }
        if (kind == EventScan.DONE) {
          break;
        }
        if (kind == EventScan.ERROR) {
          return failed("error event after " + events + " content events");
        }
        if (kind != EventScan.CONTENT) {
          continue;
        }
        long now = System.nanoTime();
        if (events == 0) {
          firstNanos = now - start;
          if (onFirst != null) {
            onFirst.arrived();
          }
        } else if (events - 1 < gaps.length) {
          gaps[events - 1] = now - last;
        }
        last = now;
        events++;
      }
      return new Result(true, null, firstNanos, trim(gaps, events - 1), events);
    } catch (IOException e) {
      return failed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static long[] trim(long[] gaps, int n) {
    return n >= gaps.length ? gaps : java.util.Arrays.copyOf(gaps, Math.max(0, n));
  }

  private static Result failed(String why) {
    return new Result(false, why, -1, new long[0], 0);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder(64);
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        s.append((char) b);
      }
    }
    if (b < 0 && s.isEmpty()) {
      throw new IOException("connection closed in the response head");
    }
    return s.toString();
  }

  /** A chunked transfer-encoded body as the plain bytes it carries. */
  private static final class ChunkedBody extends InputStream {
    private final InputStream in;
    private long left;
    private boolean end;

    ChunkedBody(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      if (left == 0 && !nextChunk()) {
        return -1;
      }
      left--;
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0 && !nextChunk()) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    private boolean nextChunk() throws IOException {
      if (end) {
        return false;
      }
      String size = line(in);
      if (size.isEmpty()) {
        size = line(in); // the CRLF after the previous chunk's data
      }
      int semicolon = size.indexOf(';');
      left = Long.parseLong(semicolon < 0 ? size.trim() : size.substring(0, semicolon).trim(), 16);
      if (left == 0) {
        end = true;
        return false;
      }
      return true;
    }
  }

  /**
   * Splits an SSE body into events and says what each is, without parsing JSON: content (a
   * non-empty {@code "content":"...}), done, error, or other (role, finish, usage, comments).
   */
  private static final class EventScan {
    static final int END = 0, OTHER = 1, CONTENT = 2, DONE = 3, ERROR = 4;
    private final InputStream in;
    private final byte[] buf = new byte[8192];
    private int pos, lim;

    EventScan(InputStream in) {
      this.in = in;
    }

    int next() throws IOException {
      int kind = OTHER;
      // Reads one event: lines until an empty one. The event's data lines are inspected as read.
      StringBuilder line = new StringBuilder(256);
      boolean any = false;
      while (true) {
        int b = read();
        if (b < 0) {
          return END;
        }
        if (b == '\r') {
          continue;
        }
        if (b != '\n') {
          line.append((char) b);
          continue;
        }
        if (line.isEmpty()) {
          if (any) {
            return kind;
          }
          continue;
        }
        any = true;
        kind = Math.max(kind, classify(line));
        line.setLength(0);
      }
    }

    private static int classify(CharSequence line) {
      if (!startsWith(line, "data:")) {
        return OTHER;
      }
      String data = line.toString();
      if (data.startsWith("data: [DONE]")) {
        return DONE;
      }
      if (data.startsWith("data: {\"error\"")) {
        return ERROR;
      }
      int at = data.indexOf(CONTENT_KEY);
      int first = at + CONTENT_KEY.length();
      return at >= 0 && first < data.length() && data.charAt(first) != '"' ? CONTENT : OTHER;
    }

    private static boolean startsWith(CharSequence s, String prefix) {
      if (s.length() < prefix.length()) {
        return false;
      }
      for (int i = 0; i < prefix.length(); i++) {
        if (s.charAt(i) != prefix.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    private int read() throws IOException {
      if (pos == lim) {
        lim = in.read(buf, 0, buf.length);
        pos = 0;
        if (lim <= 0) {
          lim = 0;
          return -1;
        }
      }
      return buf[pos++] & 0xff;
    }
  }
}
