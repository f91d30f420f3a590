package dev.sluice.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.error.UpstreamException;
import dev.sluice.openai.StreamEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** UpstreamPump: events given back, the idle timeout, and opening on the pump's thread. */
@Timeout(5)
class UpstreamPumpTest {
  private static final long FOREVER = Long.MAX_VALUE;

  /** Sends its events, then blocks until closed (a stalled upstream), then ends. */
  private static final class Stalling implements UpstreamStream {
    final CountDownLatch closed = new CountDownLatch(1);
    private final ArrayDeque<StreamEvent> events;

    Stalling(StreamEvent... events) {
      this.events = new ArrayDeque<>(List.of(events));
    }

    @Override
    public StreamEvent next() throws InterruptedException {
      if (!events.isEmpty()) {
        return events.poll();
      }
      closed.await();
      return null;
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  /** Sends its events, then ends. */
  private static UpstreamStream ending(StreamEvent... events) {
    ArrayDeque<StreamEvent> queue = new ArrayDeque<>(List.of(events));
    return new UpstreamStream() {
      @Override
      public StreamEvent next() {
        return queue.poll();
      }

      @Override
      public void close() {}
    };
  }

  private static final StreamEvent EMPTY = new StreamEvent.Text("");
  private static final StreamEvent HI = new StreamEvent.Text("Hi");
  private static final StreamEvent STOP = new StreamEvent.Finish("stop");

  @Test
  void eventsGivenBackComeFirstInTheirOrder() throws InterruptedException {
    try (UpstreamPump pump = new UpstreamPump(new Stalling(EMPTY, HI, STOP))) {
      List<StreamEvent> taken = List.of(pump.poll(FOREVER), pump.poll(FOREVER));
      pump.unread(taken);

      assertThat(pump.poll(FOREVER)).isEqualTo(EMPTY);
      assertThat(pump.poll(FOREVER)).isEqualTo(HI);
      assertThat(pump.poll(FOREVER)).isEqualTo(STOP);
    }
  }

  @Test
  void endedWaitsForTheEventsGivenBack() throws InterruptedException {
    try (UpstreamPump pump = new UpstreamPump(ending(HI))) {
      StreamEvent hi = pump.poll(FOREVER);
      assertThat(pump.poll(FOREVER)).isNull();
      assertThat(pump.ended()).isTrue();

      pump.unread(List.of(hi));

      assertThat(pump.ended()).isFalse();
      assertThat(pump.poll(FOREVER)).isEqualTo(HI);
      assertThat(pump.ended()).isTrue();
    }
  }

  @Test
  void aSilentUpstreamIsCutAtTheIdleTimeoutAndClosed() throws InterruptedException {
    Stalling upstream = new Stalling(HI);
    try (UpstreamPump pump = new UpstreamPump(upstream)) {
      assertThat(pump.poll(FOREVER)).isEqualTo(HI);
      pump.idleTimeout(Duration.ofMillis(150));
      long start = System.nanoTime();

      assertThatThrownBy(() -> pump.poll(FOREVER))
          .isInstanceOfSatisfying(
              UpstreamException.class,
              e -> {
                assertThat(e.status()).isEqualTo(504);
                assertThat(e.code()).isEqualTo("upstream_timeout");
                assertThat(e.getMessage())
                    .isEqualTo("The upstream sent nothing for 150 ms; the stream was cut.");
              });

      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(150));
      assertThat(upstream.closed.getCount()).as("upstream closed").isZero();
      assertThat(pump.ended()).isTrue();
      assertThat(pump.poll(FOREVER)).isNull();
    }
  }

  @Test
  void aShorterWaitThanTheIdleTimeoutJustReturnsNull() throws InterruptedException {
    try (UpstreamPump pump = new UpstreamPump(new Stalling())) {
      pump.idleTimeout(Duration.ofSeconds(30));

      assertThat(pump.poll(TimeUnit.MILLISECONDS.toNanos(20))).isNull();
      assertThat(pump.ended()).isFalse();
    }
  }

  @Test
  void aRefusalWhileOpeningIsThrownByPoll() {
    ChatProvider refusing =
        (request, model) -> {
          throw new UpstreamException(429, "rate_limit_error", null, null, "Slow down");
        };
    try (UpstreamPump pump = UpstreamPump.open(refusing, null, "m")) {
      assertThatThrownBy(() -> pump.poll(FOREVER))
          .isInstanceOf(UpstreamException.class)
          .hasMessage("Slow down");
      assertThat(pump.ended()).isTrue();
    }
  }

  @Test
  void closingDuringAStalledOpenInterruptsIt() throws InterruptedException {
    CountDownLatch opening = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ChatProvider hanging =
        (request, model) -> {
          opening.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
          throw new AssertionError("unreachable");
        };
    UpstreamPump pump = UpstreamPump.open(hanging, null, "m");
    assertThat(opening.await(2, TimeUnit.SECONDS)).isTrue();

    pump.close();

    assertThat(interrupted.await(2, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aStreamOpenedAfterCloseIsClosedAtOnce() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    Stalling late = new Stalling(HI);
    ChatProvider slow =
        (request, model) -> {
          // Ignores interruption, as a provider blocked in non-interruptible I/O would.
          while (true) {
            try {
              release.await();
              return late;
            } catch (InterruptedException ignored) {
              // keep waiting
            }
          }
        };
    UpstreamPump pump = UpstreamPump.open(slow, null, "m");

    pump.close();
    release.countDown();

    assertThat(late.closed.await(2, TimeUnit.SECONDS)).as("the late stream was closed").isTrue();
  }
}
