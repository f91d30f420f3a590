package dev.sluice.stream;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extended grapheme cluster boundaries (Unicode UAX #29) for text that is still arriving. The
 * authority is the JDK's own implementation, reached through the regex {@code \X} on a reused
 * {@link Matcher}, so our cuts agree with {@link java.text.BreakIterator#getCharacterInstance()}
 * (JDK 20+ uses the same code for both). In front of it sits a fast path for the pairs of code
 * points that dominate model output (ASCII, Latin, CJK), where no UAX #29 rule but GB999 can apply.
 *
 * <p>Whether a position is a boundary depends only on the text before it and on the one code point
 * after it (the GB9c look-ahead only ever joins, and stops where the text stops). So a boundary
 * followed by a complete code point is certain; the end of the text is not, as the next delta may
 * extend the last cluster (GB9 combining mark or skin tone, GB11 ZWJ emoji, GB12 the second half of
 * a flag), with one exception: GB4 always breaks after a control or a line feed.
 *
 * <p>Not thread-safe: one instance per stream.
 */
final class Graphemes {
  private static final Pattern CLUSTER = Pattern.compile("\\X");

  private final CharSequence text;
  private Matcher matcher;

  /** Boundaries in {@code text}, which may change between calls (a StringBuilder, say). */
  Graphemes(CharSequence text) {
    this.text = text;
  }

  /**
   * The end of the cluster that starts at the boundary {@code from}, looking no further than {@code
   * limit}; {@code limit} itself means the cluster may continue past what is known.
   */
  int clusterEnd(int from, int limit) {
    if (matcher == null) {
      matcher = CLUSTER.matcher(text); // only text beyond the fast path pays for it
    }
    matcher.region(from, limit);
    return matcher.lookingAt() ? matcher.end() : limit;
  }

  /**
   * Whether UAX #29 certainly breaks between {@code before} and {@code after} whatever precedes
   * them; false means "ask {@link #clusterEnd}", not "no break".
   */
  static boolean certainBreak(int before, int after) {
    if (before == '\r') {
      return after != '\n'; // GB3 keeps CRLF together, GB4 breaks after any other CR
    }
    if (after < 0x20 || after == 0x7F) {
      return true; // GB5: break before CR, LF and controls
    }
    return isPlain(before) && isPlain(after);
  }

  /** Whether GB4 ends the cluster right after {@code cp}, whatever follows. */
  static boolean closesCluster(int cp) {
    return cp == '\n'
        || (cp < 0x20 && cp != '\r')
        || (cp >= 0x7F && cp < 0xA0)
        || cp == 0x2028
        || cp == 0x2029;
  }

  /**
   * Whether {@code cp} has Grapheme_Cluster_Break = Other and takes part in no other rule: not
   * Extend, ZWJ, SpacingMark, Prepend, Hangul, Regional_Indicator, Extended_Pictographic, nor an
   * InCB consonant. Between two such code points only GB999 applies: always a break. The set is
   * conservative (ASCII and Latin letters, CJK ideographs, kana, CJK full stop and comma,
   * full-width forms) and checked against BreakIterator in the tests.
   */
  static boolean isPlain(int cp) {
    if (cp < 0x300) {
      // Below the combining diacritics: skip C0/C1 controls, soft hyphen (a control per UAX #29)
      // and the two Extended_Pictographic signs (c) and (r).
      return cp >= 0x20 && (cp < 0x7F || cp >= 0xA0) && cp != 0xA9 && cp != 0xAD && cp != 0xAE;
    }
    return (cp >= 0x4E00 && cp <= 0x9FFF) // CJK Unified Ideographs
        || (cp >= 0x3400 && cp <= 0x4DBF) // Extension A
        || (cp >= 0x3041 && cp <= 0x3096) // Hiragana letters, not the combining marks after them
        || (cp >= 0x30A1 && cp <= 0x30FA) // Katakana letters
        || cp == 0x3001
        || cp == 0x3002
        || (cp >= 0xFF01 && cp <= 0xFF5E); // full-width ASCII forms
  }
}
