package dev.sluice.provider;

import dev.sluice.error.SluiceException;
import dev.sluice.error.UpstreamException;
import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.StreamEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads an {@link UpstreamStream} on its own virtual thread into a small bounded queue, so that the
 * pipeline can wait for the next event with a deadline: held text must be released after its max
 * delay even while the upstream is silent, and a stalled upstream must be noticed. The bound also
 * pushes back on the upstream when the client reads slowly.
 *
 * <p>{@link #open} also opens the provider on that thread, so that a provider that never answers
 * cannot hold the caller: its refusal is what {@link #poll} throws first, and its silence is a
 * {@code poll} that times out.
 *
 * <p>Once {@link #idleTimeout} is set, {@code poll} never waits past the last event taken plus that
 * timeout: when it passes, the pump closes the upstream and throws a 504 {@link UpstreamException}.
 *
 * <p>The pump owns its upstream: {@link #close()} closes (cancels) it, which also unblocks a read
 * or an open in progress, and stops the reading thread. Safe to call twice, from any thread. One
 * consumer thread calls {@link #poll}, {@link #unread}, {@link #idleTimeout} and {@link #ended}.
 */
public final class UpstreamPump implements AutoCloseable {
  private static final Object END = new Object();

  /** Put by the reading thread when the stream is a {@link PushedUpstream}: poll it directly. */
  private static final Object HANDOFF = new Object();

  private record Failure(SluiceException error) {}

  /** Opens the upstream on the pump's thread. */
  private interface Opening {
    UpstreamStream open() throws InterruptedException;
  }

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(64);
  private final ArrayDeque<StreamEvent> unread = new ArrayDeque<>();
  private final Thread reader;
  private volatile UpstreamStream upstream;
  private PushedUpstream pushed; // the consumer's, once it has taken HANDOFF
  private volatile boolean closed;
  private boolean ended;
  private long idleNanos;
  private long lastEventNanos;

  /** Pumps an upstream that is already open. */
  public UpstreamPump(UpstreamStream upstream) {
    this(() -> upstream);
  }

  private UpstreamPump(Opening opening) {
    this.reader = Thread.ofVirtual().name("sluice-upstream").start(() -> pump(opening));
  }

  /**
   * Opens {@code provider} for {@code request} on the pump's thread and pumps what it sends. A
   * refusal ({@link SluiceException} from {@link ChatProvider#open}) is thrown by {@link #poll}.
   */
  public static UpstreamPump open(ChatProvider provider, ChatRequest request, String model) {
    return new UpstreamPump(() -> provider.open(request, model));
  }

  private void pump(Opening opening) {
    try {
      try {
        UpstreamStream stream = opening.open();
        upstream = stream;
        if (closed) { // close() may have run before the stream existed; it is ours to close.
          stream.close();
          return;
        }
        if (stream instanceof PushedUpstream) {
          queue.put(HANDOFF); // its events need no thread to read them: this one is done
          return;
        }
        for (StreamEvent event; (event = stream.next()) != null; ) {
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
   * The next event, waiting at most {@code timeoutNanos} ({@code Long.MAX_VALUE}: no limit but the
   * idle timeout); null when the wait timed out or the upstream ended (tell them apart with {@link
   * #ended()}). Events given back with {@link #unread} come first.
   *
   * @throws SluiceException the upstream's failure, in order after the events before it; or a 504
   *     {@link UpstreamException} once the upstream has been silent past the idle timeout (the
   *     upstream is then closed)
   */
  public StreamEvent poll(long timeoutNanos) throws InterruptedException {
    if (!unread.isEmpty()) {
      return taken(unread.poll());
    }
    if (ended) {
      return null;
    }
    long wait = Math.min(timeoutNanos, idleLeft(System.nanoTime()));
    if (pushed != null) {
      return pollPushed(wait);
    }
    Object item =
        wait == Long.MAX_VALUE ? queue.take() : queue.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
    if (item == null) {
      return timedOut();
    }
    if (item == HANDOFF) {
      pushed = (PushedUpstream) upstream;
      return pollPushed(Math.min(timeoutNanos, idleLeft(System.nanoTime())));
    }
    if (item == END) {
      ended = true;
      return null;
    }
    if (item instanceof Failure failure) {
      ended = true;
      throw failure.error();
    }
    return taken((StreamEvent) item);
  }

  private StreamEvent pollPushed(long wait) throws InterruptedException {
    StreamEvent event;
    try {
      event = pushed.poll(wait);
    } catch (SluiceException e) {
      ended = true;
      throw e;
    }
    if (event != null) {
      return taken(event);
    }
    if (pushed.ended()) {
      ended = true;
      return null;
    }
    return timedOut();
  }

  private long idleLeft(long now) {
    return idleNanos == 0 ? Long.MAX_VALUE : lastEventNanos + idleNanos - now;
  }

  /** A wait that returned nothing: null, or the idle timeout's failure once it has passed. */
  private StreamEvent timedOut() {
    if (idleNanos != 0 && System.nanoTime() - lastEventNanos >= idleNanos) {
      ended = true;
      close();
      throw UpstreamException.timeout(
          "The upstream sent nothing for "
              + TimeUnit.NANOSECONDS.toMillis(idleNanos)
              + " ms; the stream was cut.");
    }
    return null;
  }

  private StreamEvent taken(StreamEvent event) {
    lastEventNanos = System.nanoTime();
    return event;
  }

  /**
   * Gives back events already taken, to be returned again by the next polls in the same order and
   * before anything else: lets a caller look at the start of a stream and still hand all of it on.
   */
  public void unread(List<StreamEvent> events) {
    for (int i = events.size() - 1; i >= 0; i--) {
      unread.addFirst(events.get(i));
    }
  }

  /**
   * From now on, fails a {@link #poll} when the upstream stays silent longer than {@code timeout}:
   * the clock starts now and restarts with every event taken. {@link Duration#ZERO} turns it off.
   */
  public void idleTimeout(Duration timeout) {
    idleNanos = timeout.toNanos();
    lastEventNanos = System.nanoTime();
  }

  /** Whether the upstream has ended (normally or by failure) and every event was taken. */
  public boolean ended() {
    return ended && unread.isEmpty();
  }

  @Override
  public void close() {
    closed = true;
    UpstreamStream stream = upstream;
    if (stream != null) {
      stream.close();
    }
    reader.interrupt();
  }
}
