package dev.sluice.config;

import java.time.Duration;
import java.util.List;

/**
 * How a model copes with a failing upstream: retries before the first token, the models that stand
 * in when it keeps failing, and the timeouts that turn a stalled upstream into a failure.
 *
 * @param fallbacks names of other configured models, tried in order once this model's retries are
 *     spent; their own fallbacks are not followed
 * @param retry how this model's attempts are repeated before the first token
 * @param firstTokenTimeout how long one attempt may take, from sending the request to the first
 *     text, tool call or finish; past it the attempt fails (and may be retried)
 * @param idleTimeout after the first token, the longest silence between two upstream events; past
 *     it the stream is cut with an in-stream error
 */
public record Resilience(
    List<String> fallbacks, RetryPolicy retry, Duration firstTokenTimeout, Duration idleTimeout) {

  public static final Duration DEFAULT_FIRST_TOKEN_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  /** No fallbacks, the default retry policy and timeouts. */
  public static final Resilience DEFAULTS =
      new Resilience(
          List.of(), RetryPolicy.DEFAULTS, DEFAULT_FIRST_TOKEN_TIMEOUT, DEFAULT_IDLE_TIMEOUT);

  public Resilience {
    fallbacks = List.copyOf(fallbacks);
  }

  /** These settings with other fallbacks. */
  public Resilience withFallbacks(List<String> names) {
    return new Resilience(names, retry, firstTokenTimeout, idleTimeout);
  }

  /** These settings with another retry policy. */
  public Resilience withRetry(RetryPolicy policy) {
    return new Resilience(fallbacks, policy, firstTokenTimeout, idleTimeout);
  }

  /** These settings with other timeouts. */
  public Resilience withTimeouts(Duration firstToken, Duration idle) {
    return new Resilience(fallbacks, retry, firstToken, idle);
  }

  /**
   * Retries of one model before its first token, with exponential backoff and jitter.
   *
   * @param maxAttempts attempts in all, the first included; 1 means no retry
   * @param initialBackoff the wait before the first retry; it doubles for each further one
   * @param maxBackoff the cap on that wait (an upstream's longer {@code Retry-After} still wins)
   * @param budget the time this model may spend on its attempts and waits: no retry starts whose
   *     wait would end past it
   */
  public record RetryPolicy(
      int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration budget) {
    public static final RetryPolicy DEFAULTS =
        new RetryPolicy(
            3, Duration.ofMillis(250), Duration.ofMillis(4000), Duration.ofMillis(20_000));

    /** A single attempt: no retry. */
    public static final RetryPolicy NONE =
        new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }
}
