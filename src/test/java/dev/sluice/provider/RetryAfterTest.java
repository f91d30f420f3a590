package dev.sluice.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Parsing an upstream's {@code Retry-After} and {@code retry-after-ms}. */
class RetryAfterTest {
  private static final Clock NOW =
      Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);

  private static Duration parse(String millis, String retryAfter) {
    return RetryAfter.parse(Optional.ofNullable(millis), Optional.ofNullable(retryAfter), NOW);
  }

  @Test
  void secondsAndFractionsOfSeconds() {
    assertThat(parse(null, "1")).isEqualTo(Duration.ofSeconds(1));
    assertThat(parse(null, " 2.5 ")).isEqualTo(Duration.ofMillis(2500));
    assertThat(parse(null, "0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void anHttpDateIsTheTimeUntilThen() {
    assertThat(parse(null, "Tue, 24 Nov 2026 10:00:30 GMT")).isEqualTo(Duration.ofSeconds(30));
    assertThat(parse(null, "Tue, 24 Nov 2026 09:59:00 GMT")).as("past").isEqualTo(Duration.ZERO);
  }

  @Test
  void retryAfterMsWinsOverRetryAfter() {
    assertThat(parse("250", "5")).isEqualTo(Duration.ofMillis(250));
    assertThat(parse("junk", "5")).as("unparseable ms falls back").isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void nothingUsableIsNull() {
    assertThat(parse(null, null)).isNull();
    assertThat(parse(null, "soon")).isNull();
    assertThat(parse(null, "-3")).isNull();
    assertThat(parse("-1", null)).isNull();
  }
}
