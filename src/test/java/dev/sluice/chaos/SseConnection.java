package dev.sluice.chaos;

import dev.sluice.stream.SseEvent;
import dev.sluice.stream.SseParser;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request on its own socket ({@code Connection: close}), read as Server-Sent Events:
 * the test sees exactly which bytes arrived before a connection broke, which {@code java.net.http}
 * hides. Handles chunked and close-delimited bodies. Events are parsed by Sluice's {@link
 * SseParser}, so an event cut off by a drop is never returned: only complete events count. Not
 * thread-safe.
 */
public final class SseConnection implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final int status;
  private final Map<String, String> headers;
  private final Reader body;
  private final ArrayDeque<SseEvent> events = new ArrayDeque<>();
  private final SseParser parser = new SseParser(events::add);
  private final char[] buffer = new char[4096];
  private char lastChar;
  private char beforeLastChar;

  private SseConnection(Socket socket, String request, byte[] body) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true);
    // Heartbeats keep a live stream talking; 10 s of silence is a hang, which the test reports.
    socket.setSoTimeout(10_000);
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
    in = new BufferedInputStream(socket.getInputStream());
    String statusLine = line();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP response: " + statusLine);
    }
    status = Integer.parseInt(parts[1]);
    headers = new LinkedHashMap<>();
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      headers.put(
          h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    InputStream content =
        "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? new Chunked() : in;
    this.body = new InputStreamReader(content, StandardCharsets.UTF_8);
  }

  /** Sends {@code POST path} with a JSON body and reads the response head. */
  public static SseConnection post(int port, String path, String json, Map<String, String> extra)
      throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    StringBuilder request = head("POST", path, port, extra);
    request.append("Content-Type: application/json\r\n");
    request.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    return open(port, request.toString(), body);
  }

  /** Sends {@code GET path} and reads the response head. */
  public static SseConnection get(int port, String path, Map<String, String> extra)
      throws IOException {
    return open(port, head("GET", path, port, extra).append("\r\n").toString(), new byte[0]);
  }

  private static StringBuilder head(String method, String path, int port, Map<String, String> h) {
    StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    request.append("Host: 127.0.0.1:").append(port).append("\r\n");
    request.append("Accept: text/event-stream\r\nConnection: close\r\n");
    h.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
    return request;
  }

  private static SseConnection open(int port, String request, byte[] body) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    try {
      return new SseConnection(socket, request, body);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  public int status() {
    return status;
  }

  /** A response header, by case-insensitive name, or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /**
   * The next complete event, or null at the clean end of the body.
   *
   * @throws IOException when the connection broke: what was read of a partial event is dropped
   */
  public SseEvent next() throws IOException {
    while (events.isEmpty()) {
      int n = body.read(buffer);
      if (n < 0) {
        return null;
      }
      if (n > 0) {
        beforeLastChar = n > 1 ? buffer[n - 2] : lastChar;
        lastChar = buffer[n - 1];
      }
      parser.feed(CharBuffer.wrap(buffer, 0, n));
    }
    return events.poll();
  }

  /**
   * Whether the body read so far stops inside an event: Sluice ends every event and comment with a
   * blank line, so anything else means the connection broke in the middle of one.
   */
  public boolean endsMidEvent() {
    return lastChar != 0 && !(lastChar == '\n' && beforeLastChar == '\n');
  }

  /** Closes the socket at once: the client goes away. */
  @Override
  public void close() throws IOException {
    socket.close();
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
    throw new EOFException("the connection closed in the response head");
  }

  /** A chunked body; EOF anywhere before the last chunk is a broken connection. */
  private final class Chunked extends InputStream {
    private long remaining;
    private boolean afterData;
    private boolean ended;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      if (ended) {
        return -1;
      }
      if (remaining == 0) {
        if (afterData) {
          line(); // the CRLF after the last chunk's data, read only now so that data is not held
        }
        String size = line();
        int semicolon = size.indexOf(';');
        remaining =
            Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
        afterData = true;
        if (remaining == 0) {
          ended = true;
          return -1;
        }
      }
      int n = in.read(into, offset, (int) Math.min(length, remaining));
      if (n < 0) {
        throw new EOFException("the connection closed inside a chunk");
      }
      remaining -= n;
      return n;
    }
  }
}
