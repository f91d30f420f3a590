package dev.sluice.provider;

import dev.sluice.error.SluiceException;
import dev.sluice.error.UpstreamException;
import dev.sluice.openai.StreamEvent;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads an {@link UpstreamStream} on its own virtual thread into a small bounded queue, so that the
 * pipeline can wait for the next event with a deadline: held text must be released after its max
 * delay even while the upstream is silent. The bound also pushes back on the upstream when the
 * client reads slowly.
 *
 * <p>The pump owns its upstream: {@link #close()} closes (cancels) it, which also unblocks a read
 * in progress, and stops the reading thread. Safe to call twice, from any thread. One consumer
 * thread calls {@link #poll}.
 */
public final class UpstreamPump implements AutoCloseable {
  private static final Object END = new Object();

  private record Failure(SluiceException error) {}

  private final UpstreamStream upstream;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(64);
  private final Thread reader;
  private boolean ended;

  public UpstreamPump(UpstreamStream upstream) {
    this.upstream = upstream;
    this.reader = Thread.ofVirtual().name("sluice-upstream").start(this::pump);
  }

  private void pump() {
    try {
      try {
        for (StreamEvent event; (event = upstream.next()) != null; ) {
          queue.put(event);
        }
        queue.put(END);
      } catch (SluiceException e) {
        queue.put(new Failure(e));
      } catch (RuntimeException e) {
        queue.put(new Failure(new UpstreamException(502, "The provider failed: " + e, e)));
      }
    } catch (InterruptedException e) {
      // Closed by the consumer: nobody is waiting for more.
    }
  }

  /**
   * The next event, waiting at most {@code timeoutNanos}; null when the wait timed out or the
   * upstream ended (tell them apart with {@link #ended()}).
   *
   * @throws SluiceException the upstream's failure, in order after the events before it
   */
  public StreamEvent poll(long timeoutNanos) throws InterruptedException {
    if (ended) {
      return null;
    }
    Object item =
        timeoutNanos == Long.MAX_VALUE
            ? queue.take()
            : queue.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
    if (item == null) {
      return null;
    }
    if (item == END) {
      ended = true;
      return null;
    }
    if (item instanceof Failure failure) {
      ended = true;
      throw failure.error();
    }
    return (StreamEvent) item;
  }

  /** Whether the upstream has ended (normally or by failure) and every event was taken. */
  public boolean ended() {
    return ended;
  }

  @Override
  public void close() {
    upstream.close();
    reader.interrupt();
  }
}
