package dev.sluice.stream;

import java.time.Duration;

/**
 * How one stream's text is grouped into chunks: a policy and the longest a partial unit may be held
 * waiting for its boundary.
 */
public record Chunking(ChunkingPolicy policy, Duration maxDelay) {
  public static final Chunking DEFAULT =
      new Chunking(
          ChunkingPolicy.DEFAULT, Duration.ofNanos(ChunkCoalescer.DEFAULT_MAX_DELAY_NANOS));

  public Chunking {
    if (maxDelay.isNegative()) {
      throw new IllegalArgumentException("maxDelay must not be negative: " + maxDelay);
    }
  }

  long maxDelayNanos() {
    return maxDelay.toNanos();
  }
}
