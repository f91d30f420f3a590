package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.openai.ChatRequest;
import dev.sluice.openai.StreamEvent;
import dev.sluice.provider.ChatProvider;
import dev.sluice.provider.UpstreamStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A provider the test drives. Each stream sends {@code "Hello "}, then blocks in {@code next()}
 * until the test counts down {@link ScriptedStream#release} (or the server closes the stream). Then
 * a {@link Mode#GATED} stream sends {@code "world"}, {@code "!"} and finishes with stop; an {@link
 * Mode#ENDLESS} one sends {@code " tick"} every millisecond until it is closed.
 */
final class ScriptedProvider implements ChatProvider {
  enum Mode {
    GATED,
    ENDLESS
  }

  /** Upper bound on an endless stream, so a server that never closes it cannot run forever. */
  private static final int MAX_TICKS = 20_000;

  private final Mode mode;
  private final BlockingQueue<ScriptedStream> opened = new LinkedBlockingQueue<>();

  ScriptedProvider(Mode mode) {
    this.mode = mode;
  }

  @Override
  public UpstreamStream open(ChatRequest request, String upstreamModel) {
    ScriptedStream stream = new ScriptedStream(mode);
    opened.add(stream);
    return stream;
  }

  /** The stream the server opened for the next request. */
  ScriptedStream awaitOpened() throws InterruptedException {
    ScriptedStream stream = opened.poll(10, TimeUnit.SECONDS);
    assertThat(stream).as("the server opened a stream").isNotNull();
    return stream;
  }

  static final class ScriptedStream implements UpstreamStream {
    /** Counted down by the test to let the stream go on past its first text. */
    final CountDownLatch release = new CountDownLatch(1);

    /** Counted down when the server closes the stream. */
    final CountDownLatch closed = new CountDownLatch(1);

    private final Mode mode;
    private int position;

    ScriptedStream(Mode mode) {
      this.mode = mode;
    }

    @Override
    public StreamEvent next() throws InterruptedException {
      if (closed.getCount() == 0) {
        return null;
      }
      int index = position++;
      if (index == 0) {
        return new StreamEvent.Text("Hello ");
      }
      if (index == 1) {
        release.await(); // close() also opens the gate
        if (closed.getCount() == 0) {
          return null;
        }
      }
      if (mode == Mode.ENDLESS) {
        boolean isClosed = closed.await(1, TimeUnit.MILLISECONDS);
        return isClosed || index > MAX_TICKS ? null : new StreamEvent.Text(" tick");
      }
      return switch (index) {
        case 1 -> new StreamEvent.Text("world");
        case 2 -> new StreamEvent.Text("!");
        case 3 -> new StreamEvent.Finish("stop");
        default -> null;
      };
    }

    @Override
    public void close() {
      closed.countDown();
      release.countDown();
    }
  }
}
