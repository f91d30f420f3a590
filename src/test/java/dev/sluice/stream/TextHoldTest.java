package dev.sluice.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextHoldTest {
  @Test
  void holdsAHighSurrogateUntilItsPartnerArrives() {
    TextHold hold = new TextHold();
    assertThat(hold.add("go \uD83D")).isEqualTo("go ");
    assertThat(hold.add("\uDE80!")).isEqualTo("\uD83D\uDE80!");
    assertThat(hold.drain()).isEmpty();
  }

  @Test
  void aDeltaThatIsOnlyHalfACharacterReleasesNothing() {
    TextHold hold = new TextHold();
    assertThat(hold.add("\uD83D")).isEmpty();
    assertThat(hold.drain()).isEqualTo("\uD83D");
  }

  @Test
  void wholeTextPassesUnchanged() {
    assertThat(new TextHold().add("caf\u00e9 \u65e5\u672c")).isEqualTo("caf\u00e9 \u65e5\u672c");
  }
}
