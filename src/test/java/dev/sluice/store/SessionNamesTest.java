package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionNamesTest {
  @Test
  void keepsAShortInputOnOneLine() {
    assertThat(SessionNames.of("  What is\n\nthe  weather?  ")).isEqualTo("What is the weather?");
    assertThat(SessionNames.of("x".repeat(60))).isEqualTo("x".repeat(60));
    assertThat(SessionNames.of(" \n ")).isNull();
    assertThat(SessionNames.of(null)).isNull();
  }

  @Test
  void cutsALongInputAtASpace() {
    String input = "Explain how a sluice gate controls the flow of water in a canal lock system";
    assertThat(SessionNames.of(input))
        .isEqualTo("Explain how a sluice gate controls the flow of water in a…");
  }

  @Test
  void cutsAWordlessInputBetweenGraphemes() {
    String family = "👨‍👩‍👧‍👦"; // 11 UTF-16 units, one grapheme
    String name = SessionNames.of("a".repeat(55) + family + "b".repeat(20));
    assertThat(name).isEqualTo("a".repeat(55) + "…");
    String flags = "🇫🇷".repeat(40); // 4 units each: the cut must fall between two flags
    assertThat(SessionNames.of(flags)).isEqualTo("🇫🇷".repeat(15) + "…");
    String one = "👍🏽" + "\u0301".repeat(100); // one huge cluster: kept whole rather than broken
    assertThat(SessionNames.of(one)).isEqualTo(one);
  }
}
