package dev.sluice.provider;

import dev.sluice.error.UpstreamException;
import dev.sluice.openai.ChunkDecoder;
import dev.sluice.openai.StreamEvent;
import dev.sluice.stream.SseEvent;
import dev.sluice.stream.SseParser;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An upstream's SSE body, decoded as java.net.http delivers it: the HTTP client pushes byte buffers
 * ({@link HttpResponse.BodySubscriber}), which are decoded by a streaming UTF-8 decoder (so a
 * character cut between two network reads is joined, never replaced), fed to the {@link SseParser},
 * and each {@code data:} payload decoded into events, queued for {@link #next()}.
 *
 * <p>Why push rather than {@code BodyHandlers.ofInputStream()}: a blocking input stream asks the
 * client for one buffer at a time and makes it re-arm its selector for every read, a wake-up and
 * two system calls per chunk; here the client keeps reading while fewer than {@link #HIGH_WATER}
 * events wait, and only a consumer that falls behind pauses it (back-pressure on the upstream).
 *
 * <p>Threading: the client's threads call the subscriber methods, one at a time; one consumer calls
 * {@link #next()}. {@link #close()} (any thread) cancels the subscription, which makes
 * java.net.http drop the connection; a consumer blocked in {@code next()} then sees the end.
 */
final class OpenAiStream implements PushedUpstream, HttpResponse.BodySubscriber<UpstreamStream> {
  static final int HIGH_WATER = 64;
  private static final Object END = new Object();

  private record Failure(UpstreamException error) {}

  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final SseParser parser = new SseParser(this::onEvent);
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
  // Small: one per open stream, and a chunk is a few hundred characters (decode() loops on more).
  private final CharBuffer chars = CharBuffer.allocate(1024);
  private ByteBuffer carry; // the start of a character cut off at the end of the last buffer
  private volatile Flow.Subscription subscription;
  private volatile boolean paused;
  private volatile boolean closed;
  private boolean done; // [DONE] seen, or the stream failed: later events are ignored
  private boolean finished; // a finish_reason was seen
  private boolean ended; // the consumer has seen the end

  // --- The HTTP client's side.

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (closed) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer buffer : buffers) {
      decode(withCarry(buffer), false);
    }
    if (queue.size() < HIGH_WATER) {
      subscription.request(1);
    } else {
      paused = true;
      resumeIfDrained(); // the consumer may have drained the queue before the flag was seen
    }
  }

  @Override
  public void onError(Throwable error) {
    if (!closed) {
      fail(
          new UpstreamException(
              502, "The upstream connection broke mid-stream: " + error.getMessage(), error));
    }
  }

  @Override
  public void onComplete() {
    decode(carry == null ? ByteBuffer.allocate(0) : carry, true);
    if (!done) {
      if (finished) {
        done = true;
        offer(END);
      } else {
        fail(
            new UpstreamException(502, "The upstream closed the stream before it finished.", null));
      }
    }
  }

  @Override
  public CompletionStage<UpstreamStream> getBody() {
    return CompletableFuture.completedFuture(this);
  }

  private ByteBuffer withCarry(ByteBuffer buffer) {
    if (carry == null) {
      return buffer;
    }
    ByteBuffer joined = ByteBuffer.allocate(carry.remaining() + buffer.remaining());
    joined.put(carry).put(buffer).flip();
    carry = null;
    return joined;
  }

  private void decode(ByteBuffer bytes, boolean last) {
    while (true) {
      var result = utf8.decode(bytes, chars, last);
      chars.flip();
      parser.feed(chars);
      chars.clear();
      if (!result.isOverflow()) {
        break;
      }
    }
    if (last) {
      utf8.flush(chars);
      chars.flip();
      parser.feed(chars);
      chars.clear();
    } else if (bytes.hasRemaining()) {
      carry = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip();
    }
  }

  private void onEvent(SseEvent event) {
    if (done) {
      return;
    }
    if (event.data().equals("[DONE]")) {
      done = true;
      offer(END);
      return;
    }
    try {
      ChunkDecoder.decode(
          event.data(),
          e -> {
            finished |= e instanceof StreamEvent.Finish;
            offer(e);
          });
    } catch (UpstreamException e) {
      fail(e); // after the events that came before it in the same read
    }
  }

  private void fail(UpstreamException e) {
    done = true;
    offer(new Failure(e));
  }

  private void offer(Object item) {
    queue.add(item);
  }

  // --- The consumer's side.

  @Override
  public StreamEvent next() throws InterruptedException {
    return poll(Long.MAX_VALUE);
  }

  @Override
  public StreamEvent poll(long timeoutNanos) throws InterruptedException {
    if (ended || closed) {
      ended = true;
      return null; // Events already read but not yet taken are dropped with the stream.
    }
    Object item =
        timeoutNanos == Long.MAX_VALUE
            ? queue.take()
            : queue.poll(Math.max(0, timeoutNanos), java.util.concurrent.TimeUnit.NANOSECONDS);
    if (item == null) {
      return null;
    }
    resumeIfDrained();
    if (closed || item == END) {
      ended = true;
      return null;
    }
    if (item instanceof Failure f) {
      ended = true;
      throw f.error();
    }
    return (StreamEvent) item;
  }

  @Override
  public boolean ended() {
    return ended;
  }

  private void resumeIfDrained() {
    if (paused && queue.size() < HIGH_WATER / 2) {
      paused = false;
      subscription.request(1);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel(); // java.net.http closes the connection: the upstream stops generating
    }
    queue.add(END); // wakes a consumer blocked in next()
  }
}
