package dev.sluice.provider;

import dev.sluice.openai.StreamEvent;

/**
 * An {@link UpstreamStream} whose events are pushed into it by the HTTP client's own threads, so
 * that a consumer can wait on it with a deadline directly: the {@link UpstreamPump} then needs no
 * reading thread of its own, which saves a thread hand-off on every chunk.
 *
 * <p>One consumer thread calls {@link #poll} and {@link #ended}.
 */
interface PushedUpstream extends UpstreamStream {

  /**
   * The next event, waiting at most {@code timeoutNanos} ({@code Long.MAX_VALUE}: until one comes);
   * null when the wait timed out or the stream ended (tell them apart with {@link #ended()}).
   *
   * @throws dev.sluice.error.UpstreamException the upstream's failure, after the events before it
   */
  StreamEvent poll(long timeoutNanos) throws InterruptedException;

  /** Whether the end (normal, failed or closed) has been reached by {@link #poll}. */
  boolean ended();
}
