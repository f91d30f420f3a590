package dev.sluice.stream;

import java.util.Objects;

/**
 * Groups the text deltas of one stream into the chunks a client sees, following a {@link
 * ChunkingPolicy}: text is released up to the last boundary of the policy, and the tail after it is
 * held until a later boundary arrives, the tail has waited the maximum delay, or the stream needs
 * it flushed.
 *
 * <p><b>Contract.</b> The concatenation of everything returned by {@link #offer}, {@link
 * #releaseIfDue} and {@link #drain} equals the concatenation of the offered deltas, in order. No
 * method returns null; {@code ""} means "nothing to send". Except for {@link #drain}, nothing is
 * ever cut inside a surrogate pair or an extended grapheme cluster (Unicode UAX #29, as {@link
 * java.text.BreakIterator#getCharacterInstance()} sees the whole text): the last cluster held may
 * still grow (a combining mark, a skin tone, a ZWJ and another emoji, the second half of a flag),
 * so it is held until the next code point shows where it ends; only a line feed or other control
 * ends a cluster by itself (GB4). One consequence: {@code "Hello "} followed by {@code "world"}
 * comes out as {@code ""} then {@code "Hello "}, since a combining mark could still attach to the
 * space.
 *
 * <p><b>Policy boundaries</b> are ends of grapheme clusters, decided by the cluster's first code
 * point (see {@link ChunkingPolicy}): {@code RAW} cuts after every cluster; {@code WORD} after
 * whitespace or a CJK character; {@code SENTENCE} after a line break or {@code 。！？}, and after
 * whitespace that follows one of those or {@code . ! ?} (closing quotes or brackets may sit in
 * between); {@code LINE} after a line break.
 *
 * <p><b>Maximum delay.</b> The deadline is when the oldest held character arrived plus the maximum
 * delay; new deltas do not push it back, so a slow trickle without boundaries still comes out every
 * maximum delay. Once it has passed, {@link #offer} and {@link #releaseIfDue} release everything
 * held up to the last certain cluster boundary (possibly half a word: the model stalled). Times are
 * {@link System#nanoTime()} values supplied by the caller, which keeps this class free of clocks
 * and testable.
 *
 * <p><b>Use.</b> Send what {@link #offer} returns for each text delta; wait for the next upstream
 * event no longer than until {@link #deadlineNanos()} and call {@link #releaseIfDue} when that
 * passes; send {@link #drain()} before any tool call, finish, usage or error, and at the end. Send
 * nothing for {@code ""}.
 *
 * <p><b>Threading.</b> Not thread-safe; one instance per stream, used by the stream's thread.
 */
public final class ChunkCoalescer {
  /** The maximum delay the issue specifies when none is configured: 40 ms. */
  public static final long DEFAULT_MAX_DELAY_NANOS = 40_000_000L;

  private final ChunkingPolicy policy;
  private final long maxDelayNanos;
  private final StringBuilder held = new StringBuilder();
  private final Graphemes graphemes = new Graphemes(held);
  private final ArrivalTimes arrivals = new ArrivalTimes();

  /** Chars of {@link #held} examined so far; a trailing lone high surrogate waits outside. */
  private int scanned;

  /** Start of the last cluster, which may still grow; every cluster before it is complete. */
  private int open;

  /** End of the last complete cluster the policy cuts after; 0 if there is none. */
  private int cut;

  /** SENTENCE: a terminator was seen, and since then only closing marks or whitespace. */
  private boolean afterTerminator;

  /**
   * @param maxDelayNanos how long held text may wait for a boundary; 0 releases every complete
   *     cluster at once
   */
  public ChunkCoalescer(ChunkingPolicy policy, long maxDelayNanos) {
    this.policy = Objects.requireNonNull(policy, "policy");
    if (maxDelayNanos < 0) {
      throw new IllegalArgumentException("maxDelayNanos must not be negative: " + maxDelayNanos);
    }
    this.maxDelayNanos = maxDelayNanos;
  }

  /**
   * Takes the next delta, which arrived at {@code nowNanos}, and returns the text that may be sent
   * now: up to the last policy boundary, or up to the last certain cluster boundary if the held
   * text is overdue. Empty deltas are allowed and change nothing.
   */
  public String offer(String delta, long nowNanos) {
    if (!delta.isEmpty()) {
      arrivals.arrived(held.length(), nowNanos);
      held.append(delta);
      scan();
    }
    return take(isDue(nowNanos) ? open : cut);
  }

  /**
   * When {@link #releaseIfDue} will next release something, or {@link Long#MAX_VALUE} when nothing
   * held can be released early: nothing is held, or only one cluster that may still grow (it waits
   * for more text or {@link #drain}).
   */
  public long deadlineNanos() {
    if (open == 0) {
      return Long.MAX_VALUE;
    }
    long deadline = arrivals.oldest() + maxDelayNanos;
    boolean overflowed = deadline < arrivals.oldest();
    return overflowed ? Long.MAX_VALUE : deadline;
  }

  /**
   * The held text up to the last certain cluster boundary if the deadline has passed at {@code
   * nowNanos}; otherwise {@code ""}.
   */
  public String releaseIfDue(long nowNanos) {
    return isDue(nowNanos) ? take(open) : "";
  }

  /**
   * Everything held, whole or not: for the end of the stream, and before a tool call, finish, usage
   * or error, which must not overtake text. The next delta starts afresh.
   */
  public String drain() {
    String all = held.toString();
    held.setLength(0);
    scanned = 0;
    open = 0;
    cut = 0;
    afterTerminator = false;
    arrivals.clear();
    return all;
  }

  private boolean isDue(long nowNanos) {
    // A difference, not a comparison with a sum: nanoTime values may wrap.
    return open > 0 && nowNanos - arrivals.oldest() >= maxDelayNanos;
  }

  /** Finds the cluster ends in the newly appended text, resuming where the last scan stopped. */
  private void scan() {
    int limit = held.length();
    if (Character.isHighSurrogate(held.charAt(limit - 1))) {
      limit--; // half a code point: nothing is known about a boundary before it yet
    }
    int i = scanned;
    while (i < limit) {
      int cp = held.codePointAt(i);
      if (i == open || Graphemes.certainBreak(held.codePointBefore(i), cp)) {
        if (i > open) {
          endCluster(i);
        }
        i += Character.charCount(cp);
      } else {
        i = graphemes.clusterEnd(open, limit); // the JDK decides; the cluster may end at i
        if (i < limit) {
          endCluster(i);
          continue;
        }
      }
      if (i > open && Graphemes.closesCluster(held.codePointBefore(i))) {
        endCluster(i);
      }
    }
    scanned = i;
  }

  /** The cluster starting at {@link #open} is complete and ends at {@code end}. */
  private void endCluster(int end) {
    if (endsUnit(held.codePointAt(open))) {
      cut = end;
    }
    open = end;
  }

  /** Whether the policy cuts after a cluster that starts with {@code base}. */
  private boolean endsUnit(int base) {
    return switch (policy) {
      case RAW -> true;
      case WORD -> Character.isWhitespace(base) || isCjk(base);
      case LINE -> isLineBreak(base);
      case SENTENCE -> endsSentence(base);
    };
  }

  private boolean endsSentence(int base) {
    if (isLineBreak(base) || base == '。' || base == '！' || base == '？') {
      afterTerminator = true; // a space after 。 or a line break is a cut too
      return true;
    }
    if (base == '.' || base == '!' || base == '?') {
      afterTerminator = true;
      return false;
    }
    if (Character.isWhitespace(base)) {
      return afterTerminator; // every space of the run, so the cut lands after the last
    }
    afterTerminator = afterTerminator && isCloser(base);
    return false;
  }

  private static boolean isLineBreak(int cp) {
    return cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
  }

  /** Closing marks that may sit between a terminator and its space: {@code ."} or {@code !)}. */
  private static boolean isCloser(int cp) {
    return switch (cp) {
      case '"', '\'', ')', ']', '}', '”', '’', '»', '」', '』', '）' -> true;
      default -> false;
    };
  }

  /** Characters of scripts written without spaces, where every character is a word boundary. */
  private static boolean isCjk(int cp) {
    if (cp < 0x2E80) {
      return false; // fast exit for everything before the CJK radicals
    }
    if ((cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFFEF)) {
      return true; // CJK symbols and punctuation, half- and full-width forms
    }
    Character.UnicodeScript script = Character.UnicodeScript.of(cp);
    return script == Character.UnicodeScript.HAN
        || script == Character.UnicodeScript.HIRAGANA
        || script == Character.UnicodeScript.KATAKANA;
  }

  /** Releases {@code held[0, end)}. */
  private String take(int end) {
    if (end == 0) {
      return "";
    }
    String out;
    if (end == held.length()) {
      out = held.toString();
      held.setLength(0);
    } else {
      out = held.substring(0, end);
      held.delete(0, end);
    }
    scanned -= end;
    open -= end;
    cut = 0; // cut <= end always: end is the cut itself or the later open cluster's start
    arrivals.released(end, held.length());
    return out;
  }
}
