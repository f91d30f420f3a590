package dev.sluice.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** ChunkEncoder: text chunks from the template are the generator's bytes exactly. */
class ChunkEncoderTest {
  private static final List<String> PIECES =
      List.of(
          "a",
          " ",
          "é",
          "\"",
          "\\",
          "\n",
          "\r",
          "\t",
          "\b",
          "\f",
          "\u0000",
          "\u0001",
          "\u001f",
          "\u007f",
          "\u2028",
          "\u2029",
          "😀",
          "👍🏽",
          "🇫🇷",
          "日本",
          "e\u0301",
          "</script>",
          "{}",
          "/");

  @Test
  void templateTextEqualsTheGeneratorsBytesForGeneratedTexts() {
    long seed = System.nanoTime();
    RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    for (boolean usage : new boolean[] {false, true}) {
      ChunkEncoder encoder = new ChunkEncoder("chatcmpl-\"x\"", 1_700_000_000L, "m\\o", usage);
      for (int i = 0; i < 2_000; i++) {
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(1, 12); n > 0; n--) {
          text.append(PIECES.get(random.nextInt(PIECES.size())));
        }
        String expected = utf8(encoder.textByGenerator(text.toString()));
        assertThat(utf8(encoder.text(text.toString())))
            .as("seed %d, text %s", seed, text)
            .isEqualTo(expected);
      }
    }
  }

  private static String utf8(ByteSink sink) {
    return new String(sink.array(), 0, sink.length(), StandardCharsets.UTF_8);
  }
}
