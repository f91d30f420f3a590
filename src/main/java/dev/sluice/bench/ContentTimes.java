package dev.sluice.bench;

import java.util.Arrays;

/**
 * The content events of one request as its client saw them: when the first came (from the request's
 * start) and the gap before each later one. Shared by both load generators, so that they measure
 * alike. Not thread-safe; one per request.
 */
final class ContentTimes {
  private final long startNanos;
  private final long[] gaps;
  private long firstNanos = -1;
  private long lastNanos;
  private int events;

  /** {@code expected} content events size the gap array; more are counted but not timed. */
  ContentTimes(long startNanos, int expected) {
    this.startNanos = startNanos;
    this.gaps = new long[Math.max(0, expected - 1)];
  }

  /** One content event arrived at {@code now}; true when it was the first. */
  boolean arrived(long now) {
    if (events == 0) {
      firstNanos = now - startNanos;
    } else if (events - 1 < gaps.length) {
      gaps[events - 1] = now - lastNanos;
    }
    lastNanos = now;
    return events++ == 0;
  }

  int events() {
    return events;
  }

  StreamProbe.Result completed() {
    long[] g = events - 1 >= gaps.length ? gaps : Arrays.copyOf(gaps, Math.max(0, events - 1));
    return new StreamProbe.Result(true, null, firstNanos, g, events);
  }

  static StreamProbe.Result failed(String why) {
    return new StreamProbe.Result(false, why, -1, new long[0], 0);
  }
}
