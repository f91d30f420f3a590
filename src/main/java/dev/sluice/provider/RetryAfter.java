package dev.sluice.provider;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads how long an upstream asked to be left alone: {@code retry-after-ms} (OpenAI's, in
 * milliseconds) when present, else {@code Retry-After} as seconds or as an HTTP date. Unparseable
 * or negative values are ignored, as the OpenAI SDKs do. Stateless.
 */
final class RetryAfter {
  private RetryAfter() {}

  /** The requested wait, or null when the headers ask for none. */
  static Duration parse(HttpHeaders headers) {
    return parse(
        headers.firstValue("retry-after-ms"), headers.firstValue("retry-after"), Clock.systemUTC());
  }

  static Duration parse(Optional<String> millis, Optional<String> retryAfter, Clock clock) {
    Duration fromMillis = millis.map(RetryAfter::millis).orElse(null);
    if (fromMillis != null) {
      return fromMillis;
    }
    return retryAfter.map(v -> secondsOrDate(v, clock)).orElse(null);
  }

  private static Duration millis(String value) {
    try {
      double ms = Double.parseDouble(value.trim());
      return ms >= 0 && Double.isFinite(ms) ? Duration.ofNanos((long) (ms * 1_000_000)) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Duration secondsOrDate(String value, Clock clock) {
    String v = value.trim();
    try {
      double seconds = Double.parseDouble(v);
      return seconds >= 0 && Double.isFinite(seconds)
          ? Duration.ofMillis((long) (seconds * 1000))
          : null;
    } catch (NumberFormatException notSeconds) {
      try {
        Duration until =
            Duration.between(
                clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
        return until.isNegative() ? Duration.ZERO : until;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }
}
