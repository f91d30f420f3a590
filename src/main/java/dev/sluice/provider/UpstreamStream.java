package dev.sluice.provider;

import dev.sluice.openai.StreamEvent;

/**
 * The events of one generation, pulled one at a time by the stream pipeline.
 *
 * <p>{@link #next()} blocks until the next event, and returns null at the end. A failure after the
 * stream has started is thrown as {@link dev.sluice.error.UpstreamException}.
 *
 * <p>Cancellation: {@link #close()} stops the generation and releases the upstream connection at
 * once; it may be called from any thread, also while another thread is blocked in {@code next()}
 * (which then returns null), and more than once.
 */
public interface UpstreamStream extends AutoCloseable {

  StreamEvent next() throws InterruptedException;

  @Override
  void close();
}
