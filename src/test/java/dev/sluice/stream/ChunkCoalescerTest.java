package dev.sluice.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.text.BreakIterator;
import org.junit.jupiter.api.Test;

class ChunkCoalescerTest {
  private static final long MS = 1_000_000L;
  private static final long DELAY = 40 * MS;

  private static ChunkCoalescer coalescer(ChunkingPolicy policy) {
    return new ChunkCoalescer(policy, DELAY);
  }

  @Test
  void wordReleasesUpToTheWhitespaceOnceTheNextWordBegins() {
    ChunkCoalescer words = coalescer(ChunkingPolicy.WORD);
    // The space could still take a combining mark, so it waits for the next character.
    assertThat(words.offer("Hello ", 0)).isEmpty();
    assertThat(words.offer("world", MS)).isEqualTo("Hello ");
    assertThat(words.drain()).isEqualTo("world");
  }

  @Test
  void wordReleasesAllCompleteWordsOfADelta() {
    ChunkCoalescer words = coalescer(ChunkingPolicy.WORD);
    assertThat(words.offer("Hello wor", 0)).isEqualTo("Hello ");
    assertThat(words.offer("ld, how  are", MS)).isEqualTo("world, how  ");
    assertThat(words.drain()).isEqualTo("are");
  }

  @Test
  void wordCutsAfterEachCjkCharacter() {
    ChunkCoalescer words = coalescer(ChunkingPolicy.WORD);
    assertThat(words.offer("你好世界", 0)).isEqualTo("你好世");
    assertThat(words.offer("。日本", MS)).isEqualTo("界。日");
    assertThat(words.drain()).isEqualTo("本");
  }

  @Test
  void sentenceCutsAfterTerminatorAndWhitespace() {
    ChunkCoalescer sentences = coalescer(ChunkingPolicy.SENTENCE);
    assertThat(sentences.offer("Pi is 3.14. It is", 0)).isEqualTo("Pi is 3.14. ");
    assertThat(sentences.offer(" irrational!\" She", MS)).isEqualTo("It is irrational!\" ");
    assertThat(sentences.offer("你好。我", 2 * MS)).isEqualTo("She你好。");
    assertThat(sentences.drain()).isEqualTo("我");
  }

  @Test
  void lineReleasesWholeLinesOfCode() {
    ChunkCoalescer lines = coalescer(ChunkingPolicy.LINE);
    assertThat(lines.offer("int x = 1;\nint y", 0)).isEqualTo("int x = 1;\n");
    // A line feed ends its cluster by itself (GB4), so it goes out without waiting.
    assertThat(lines.offer(" = 2;\n", MS)).isEqualTo("int y = 2;\n");
    assertThat(lines.offer("```\r", 2 * MS)).isEmpty();
    assertThat(lines.offer("\n", 3 * MS)).isEqualTo("```\r\n");
    assertThat(lines.deadlineNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void rawPassesDeltasOnButHoldsTheirLastCluster() {
    ChunkCoalescer raw = coalescer(ChunkingPolicy.RAW);
    assertThat(raw.offer("Hi", 0)).isEqualTo("H");
    assertThat(raw.offer(" there", MS)).isEqualTo("i ther");
    assertThat(raw.deadlineNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(raw.drain()).isEqualTo("e");
  }

  @Test
  void heldTextIsReleasedAfterTheMaxDelayExceptItsLastCluster() {
    ChunkCoalescer words = coalescer(ChunkingPolicy.WORD);
    assertThat(words.offer("Supercalifragil", 0)).isEmpty();
    assertThat(words.deadlineNanos()).isEqualTo(DELAY);
    assertThat(words.releaseIfDue(DELAY - 1)).isEmpty();
    assertThat(words.releaseIfDue(DELAY)).isEqualTo("Supercalifragi");
    assertThat(words.deadlineNanos()).isEqualTo(Long.MAX_VALUE);
    // The "l" has been held since 0, so it goes out as soon as it is known to be whole.
    assertThat(words.offer("istic ", DELAY + MS)).isEqualTo("listic");
    assertThat(words.offer("word", DELAY + 2 * MS)).isEqualTo(" ");
  }

  @Test
  void aTrickleDoesNotPushTheDeadlineBack() {
    ChunkCoalescer words = coalescer(ChunkingPolicy.WORD);
    assertThat(words.offer("a", 0)).isEmpty();
    assertThat(words.offer("b", 15 * MS)).isEmpty();
    assertThat(words.offer("c", 30 * MS)).isEmpty();
    assertThat(words.deadlineNanos()).isEqualTo(DELAY);
    assertThat(words.offer("d", DELAY)).isEqualTo("abc");
    assertThat(words.deadlineNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aFlagSplitInHalfIsNeverCut() {
    String france = "\uD83C\uDDEB\uD83C\uDDF7";
    ChunkCoalescer raw = coalescer(ChunkingPolicy.RAW);
    assertThat(raw.offer("Go \uD83C", 0)).isEqualTo("Go"); // half a regional indicator
    assertThat(raw.offer("\uDDEB", MS)).isEqualTo(" "); // one indicator: half a flag
    assertThat(raw.releaseIfDue(DELAY * 10)).isEmpty();
    assertThat(raw.offer("\uD83C\uDDF7!", 2 * MS)).isEqualTo(france);
    assertThat(raw.drain()).isEqualTo("!");
  }

  @Test
  void aCombiningMarkInTheNextDeltaStaysWithItsLetter() {
    ChunkCoalescer words = coalescer(ChunkingPolicy.WORD);
    assertThat(words.offer("cafe", 0)).isEmpty();
    assertThat(words.releaseIfDue(DELAY)).isEqualTo("caf");
    assertThat(words.offer("\u0301", DELAY + MS)).isEmpty();
    assertThat(words.releaseIfDue(DELAY * 10)).isEmpty();
    // Overdue since 0: everything up to the last whole cluster goes.
    assertThat(words.offer(" noir", DELAY * 11)).isEqualTo("e\u0301 noi");
  }

  @Test
  void zwjSequencesAndSkinTonesStayWhole() {
    String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
    ChunkCoalescer raw = coalescer(ChunkingPolicy.RAW);
    assertThat(raw.offer("\uD83D\uDC68", 0)).isEmpty();
    assertThat(raw.offer("\u200D\uD83D\uDC69\u200D", MS)).isEmpty();
    assertThat(raw.offer("\uD83D\uDC67\uD83D\uDC4D", 2 * MS)).isEqualTo(family);
    assertThat(raw.offer("\uD83C\uDFFD ok", 3 * MS)).isEqualTo("\uD83D\uDC4D\uD83C\uDFFD o");
  }

  @Test
  void emptyDeltasChangeNothing() {
    ChunkCoalescer words = coalescer(ChunkingPolicy.WORD);
    assertThat(words.offer("", 0)).isEmpty();
    assertThat(words.deadlineNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(words.offer("ab", MS)).isEmpty();
    assertThat(words.offer("", 2 * MS)).isEmpty();
    assertThat(words.deadlineNanos()).isEqualTo(MS + DELAY);
    assertThat(words.drain()).isEqualTo("ab");
    assertThat(words.drain()).isEmpty();
  }

  @Test
  void drainReleasesEvenAnUnfinishedCharacter() {
    ChunkCoalescer words = coalescer(ChunkingPolicy.WORD);
    assertThat(words.offer("ok \uD83D", 0)).isEmpty();
    assertThat(words.drain()).isEqualTo("ok \uD83D");
    assertThat(words.offer("next ", MS)).isEmpty();
  }

  @Test
  void parseIgnoresCaseAndListsTheValidNames() {
    assertThat(ChunkingPolicy.parse("WORD")).isEqualTo(ChunkingPolicy.WORD);
    assertThat(ChunkingPolicy.parse(" Line ")).isEqualTo(ChunkingPolicy.LINE);
    assertThat(ChunkingPolicy.SENTENCE.wireName()).isEqualTo("sentence");
    assertThatThrownBy(() -> ChunkingPolicy.parse("words"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'words'")
        .hasMessageContaining("raw, word, sentence, line");
    assertThatThrownBy(() -> ChunkingPolicy.parse(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsANegativeDelay() {
    assertThatThrownBy(() -> new ChunkCoalescer(ChunkingPolicy.RAW, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** The fast path treats these code points as plain; the JDK must agree in every context. */
  @Test
  void fastPathCodePointsBreakLikeBreakIteratorSays() {
    String[] before = {
      "a", "\uD83D\uDC68\u200D", "\uD83C\uDDEB", "\u1100", "\u0915\u094D", "\u0600"
    };
    BreakIterator clusters = BreakIterator.getCharacterInstance();
    for (int cp = 0; cp <= 0xFFFF; cp++) {
      if (!Graphemes.isPlain(cp)) {
        continue;
      }
      String c = Character.toString(cp);
      for (String left : before) {
        String text = left + c + "a";
        clusters.setText(text);
        boolean prependBefore = left.equals("\u0600"); // GB9b: a prepend joins what follows
        assertThat(clusters.isBoundary(left.length()))
            .as("break before U+%04X after %s", cp, left)
            .isNotEqualTo(prependBefore);
        assertThat(clusters.isBoundary(left.length() + 1)).as("break after U+%04X", cp).isTrue();
      }
    }
  }
}
