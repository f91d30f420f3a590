package dev.sluice.stream;

import dev.sluice.error.ClientGoneException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes Server-Sent Events to one client. Every emit is flushed at once, so each event reaches the
 * client while the model is still generating; frames that are ready together are written as one
 * emit and flushed once. A failed write or flush means the client is gone: it is reported as {@link
 * ClientGoneException}, which the caller lets unwind the stream so that the upstream gets
 * cancelled.
 *
 * <p>Not thread-safe: one stream, one writing thread. {@link #close()} is safe to call twice.
 */
public final class SseWriter implements AutoCloseable {
  private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private boolean closed;

  public SseWriter(OutputStream out) {
    this.out = out;
  }

  /** Emits complete frames (see {@link SseFrame}) and flushes once. */
  public void frames(List<byte[]> frames) throws ClientGoneException {
    try {
      for (byte[] frame : frames) {
        out.write(frame);
      }
      out.flush();
    } catch (IOException e) {
      throw new ClientGoneException(e);
    }
  }

  /**
   * Emits the comment {@code : keep-alive}, which every SSE client ignores, so that proxies and
   * load balancers do not cut a long silence (and so that a gone client is noticed).
   */
  public void keepAlive() throws ClientGoneException {
    frames(List.of(KEEP_ALIVE));
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
