package dev.sluice.stream;

import dev.sluice.error.ClientGoneException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes Server-Sent Events to one client. Every emit is flushed at once, so each event reaches the
 * client while the model is still generating. A failed write or flush means the client is gone: it
 * is reported as {@link ClientGoneException}, which the caller lets unwind the stream so that the
 * upstream gets closed.
 *
 * <p>Not thread-safe: one stream, one writing thread. {@link #close()} is safe to call twice.
 */
public final class SseWriter implements AutoCloseable {
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private boolean closed;

  public SseWriter(OutputStream out) {
    this.out = out;
  }

  /** Emits {@code data: <payload>} and a blank line. The payload must be one line of JSON. */
  public void data(byte[] payload, int offset, int length) throws ClientGoneException {
    try {
      out.write(DATA);
      out.write(payload, offset, length);
      out.write(EVENT_END);
      out.flush();
    } catch (IOException e) {
      throw new ClientGoneException(e);
    }
  }

  /** Emits OpenAI's end-of-stream marker {@code data: [DONE]}. */
  public void done() throws ClientGoneException {
    emit(DONE);
  }

  /** Emits a comment line ({@code : text}), which every SSE client ignores; used as heartbeat. */
  public void comment(String text) throws ClientGoneException {
    emit((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
  }

  private void emit(byte[] bytes) throws ClientGoneException {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new ClientGoneException(e);
    }
  }

  /** Closes the response stream; a second call does nothing, and a gone client is not an error. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.close();
    } catch (IOException ignored) {
      // The client is already gone; there is nobody left to tell.
    }
  }
}
