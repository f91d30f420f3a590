package dev.sluice.stream;

/**
 * The chunking policies' boundary rules restated over whole text and its grapheme clusters, looking
 * backwards, independently of {@link ChunkCoalescer}'s forward scan: the reference its property
 * test checks against.
 */
final class PolicyOracle {
  private PolicyOracle() {}

  /**
   * Whether {@code policy} may cut after cluster {@code k}, which spans {@code bounds[k - 1]} to
   * {@code bounds[k]} of {@code text}.
   */
  static boolean cutAfter(ChunkingPolicy policy, CharSequence text, int[] bounds, int k) {
    int base = Character.codePointAt(text, bounds[k - 1]);
    return switch (policy) {
      case RAW -> true;
      case WORD -> Character.isWhitespace(base) || isCjk(base);
      case LINE -> isLineBreak(base);
      case SENTENCE -> sentenceCut(text, bounds, k);
    };
  }

  /**
   * After a line break or 。！？; after whitespace if, skipping back over whitespace and closing
   * marks, a terminator, line break or 。！？ comes first.
   */
  private static boolean sentenceCut(CharSequence text, int[] bounds, int k) {
    int base = Character.codePointAt(text, bounds[k - 1]);
    if (isLineBreak(base) || isWideTerminator(base)) {
      return true;
    }
    if (!Character.isWhitespace(base)) {
      return false;
    }
    for (int j = k - 1; j >= 1; j--) {
      int before = Character.codePointAt(text, bounds[j - 1]);
      if (isLineBreak(before) || isWideTerminator(before) || ".!?".indexOf(before) >= 0) {
        return true;
      }
      if (!Character.isWhitespace(before) && "\"')]}”’»」』）".indexOf(before) < 0) {
        return false;
      }
    }
    return false;
  }

  private static boolean isWideTerminator(int cp) {
    return cp == '。' || cp == '！' || cp == '？';
  }

  private static boolean isLineBreak(int cp) {
    return cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
  }

  private static boolean isCjk(int cp) {
    Character.UnicodeScript script = Character.UnicodeScript.of(cp);
    Character.UnicodeBlock block = Character.UnicodeBlock.of(cp);
    return script == Character.UnicodeScript.HAN
        || script == Character.UnicodeScript.HIRAGANA
        || script == Character.UnicodeScript.KATAKANA
        || block == Character.UnicodeBlock.CJK_SYMBOLS_AND_PUNCTUATION
        || block == Character.UnicodeBlock.HALFWIDTH_AND_FULLWIDTH_FORMS;
  }
}
