package dev.sluice.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random model output for property tests: text mixing the scripts and sequences that break naive
 * chunking, cut into deltas anywhere (inside surrogate pairs and clusters too), with empty deltas.
 */
final class GeneratedDeltas {
  private static final String[] EMOJI = {
    "😀",
    "👍",
    "👍🏽",
    "👩🏻‍💻",
    "👨‍👩‍👧",
    "👨‍👩‍👧‍👦",
    "❤️",
    "🏳️‍🌈",
    "1️⃣",
    "©",
    "™️",
    "🧑🏿‍🤝‍🧑🏻"
  };
  private static final String[] FLAGS = {"🇫🇷", "🇩🇪", "🇯🇵", "🇺🇸"};
  private static final String[] ACCENTED = {
    "e\u0301", "a\u0308", "n\u0303", "o\u0302\u0323", "é", "ü", "ñ", "Å", "cafe\u0301"
  };
  private static final String[] OTHER_SCRIPTS = {
    "क्ष", "नमस्ते", "हिन्दी", "स्त्री", "한국어", "\u1100\u1161\u11A8", "안녕", "ไทย", "น้ำ", "שָׁלוֹם"
  };
  private static final String[] ODD = {
    "\u200B", "\u00A0", "\u2028", "\u200D", "\uFE0F", " \u0301", "\u0301", "\r", "\t", "\u00AD",
    "\u0085", "\u3000", "\u0600a"
  };
  private static final String[] PUNCT = {
    ".", "!", "?", ",", ". ", "...", "3.14", "\"", ")", ".\"", "?)", "。", "！", "？", "、", "「", "」"
  };
  private static final String[] SPACES = {" ", " ", " ", "  ", "\t", "\n", "\r\n", "\n\n"};
  private static final String[] CODE = {"int x = 1;\n", "  return y;\r\n", "```java\n", "} "};

  private GeneratedDeltas() {}

  static String text(SplittableRandom rnd) {
    StringBuilder text = new StringBuilder();
    int pieces = rnd.nextInt(40);
    for (int i = 0; i < pieces; i++) {
      text.append(piece(rnd));
    }
    return text.toString();
  }

  private static String piece(SplittableRandom rnd) {
    int roll = rnd.nextInt(100);
    if (roll < 28) {
      return letters(rnd, 1 + rnd.nextInt(10));
    } else if (roll < 48) {
      return spaces(rnd);
    } else if (roll < 56) {
      return pick(rnd, PUNCT);
    } else if (roll < 64) {
      return cjk(rnd);
    } else if (roll < 71) {
      return pick(rnd, ACCENTED);
    } else if (roll < 79) {
      return pick(rnd, EMOJI);
    } else if (roll < 83) {
      return pick(rnd, FLAGS);
    } else if (roll < 85) {
      return regionalIndicators(rnd); // odd runs test flag pairing
    } else if (roll < 89) {
      return pick(rnd, OTHER_SCRIPTS);
    } else if (roll < 93) {
      return pick(rnd, ODD);
    } else if (roll < 96) {
      return pick(rnd, CODE);
    }
    return letters(rnd, 50 + rnd.nextInt(40));
  }

  private static String letters(SplittableRandom rnd, int n) {
    StringBuilder word = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      word.append((char) ((rnd.nextInt(5) == 0 ? 'A' : 'a') + rnd.nextInt(26)));
    }
    return word.toString();
  }

  private static String spaces(SplittableRandom rnd) {
    StringBuilder run = new StringBuilder();
    for (int n = 1 + rnd.nextInt(3); n > 0; n--) {
      run.append(pick(rnd, SPACES));
    }
    return run.toString();
  }

  private static String cjk(SplittableRandom rnd) {
    StringBuilder run = new StringBuilder();
    for (int n = 1 + rnd.nextInt(6); n > 0; n--) {
      int kind = rnd.nextInt(10);
      if (kind < 6) {
        run.appendCodePoint(0x4E00 + rnd.nextInt(0x9FFF - 0x4E00 + 1));
      } else if (kind < 8) {
        run.appendCodePoint(0x3041 + rnd.nextInt(0x3096 - 0x3041 + 1));
      } else {
        run.appendCodePoint(0x30A1 + rnd.nextInt(0x30FA - 0x30A1 + 1));
      }
    }
    return run.toString();
  }

  private static String regionalIndicators(SplittableRandom rnd) {
    StringBuilder run = new StringBuilder();
    for (int n = 1 + rnd.nextInt(5); n > 0; n--) {
      run.appendCodePoint(0x1F1E6 + rnd.nextInt(26));
    }
    return run.toString();
  }

  private static String pick(SplittableRandom rnd, String[] choices) {
    return choices[rnd.nextInt(choices.length)];
  }

  /** {@code text} cut at random char offsets, so inside pairs and clusters as well. */
  static List<String> split(SplittableRandom rnd, String text) {
    List<String> deltas = new ArrayList<>();
    int style = rnd.nextInt(10);
    int at = 0;
    while (at < text.length()) {
      int size =
          switch (style) {
            case 0 -> text.length(); // all at once
            case 1, 2 -> 1; // char by char
            case 3, 4 -> rnd.nextInt(21); // sometimes 0: an empty delta
            default -> 1 + rnd.nextInt(6); // token-like
          };
      int end = Math.min(text.length(), at + size);
      deltas.add(text.substring(at, end));
      at = end;
      if (rnd.nextInt(10) == 0) {
        deltas.add("");
      }
    }
    return deltas;
  }
}
