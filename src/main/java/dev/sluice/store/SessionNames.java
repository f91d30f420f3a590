package dev.sluice.store;

import java.text.BreakIterator;

/** Names a new session after its first message, short enough for a list. */
final class SessionNames {
  static final int MAX_LENGTH = 60;
  private static final int MIN_WORD_CUT = 40;

  private SessionNames() {}

  /**
   * The input on one line, cut to at most {@value #MAX_LENGTH} characters plus an ellipsis: at a
   * space when there is one in the last 20 characters, else between two graphemes (never inside an
   * emoji or a surrogate pair). Null for a blank input.
   */
  static String of(String input) {
    if (input == null) {
      return null;
    }
    String line = input.strip().replaceAll("\\s+", " ");
    if (line.isEmpty()) {
      return null;
    }
    if (line.length() <= MAX_LENGTH) {
      return line;
    }
    BreakIterator graphemes = BreakIterator.getCharacterInstance();
    graphemes.setText(line);
    int cut = graphemes.preceding(MAX_LENGTH + 1);
    if (cut <= 0) {
      cut = graphemes.following(0); // one grapheme longer than the limit: keep it whole
    }
    if (cut >= line.length()) {
      return line;
    }
    int space = line.lastIndexOf(' ', cut);
    if (space >= MIN_WORD_CUT) {
      cut = space;
    }
    return line.substring(0, cut).stripTrailing() + "…";
  }
}
