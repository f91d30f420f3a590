package dev.sluice.stream;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a {@link ChunkCoalescer} groups streamed text into the chunks a client sees. Every policy
 * cuts only between grapheme clusters; the policies differ in which cluster ends they wait for.
 * Under all but {@link #RAW}, a tail that has waited the maximum delay is released anyway, so a
 * stalled model still shows its text. Immutable and thread-safe.
 */
public enum ChunkingPolicy {
  /** Upstream deltas as they arrive, minus empty ones and an unfinished last cluster. */
  RAW("raw"),

  /**
   * Cuts after a whitespace cluster ({@link Character#isWhitespace}, so not after a no-break space)
   * or after a CJK cluster (Han, Hiragana, Katakana, CJK punctuation, full-width forms), since CJK
   * text has no spaces and each ideograph is its own word boundary. The default.
   */
  WORD("word"),

  /**
   * Cuts after a line break; after whitespace that follows {@code .}, {@code !} or {@code ?}
   * (closing quotes and brackets may sit in between, as in {@code ."} — requiring whitespace keeps
   * {@code 3.14} and {@code example.com} whole); and directly after {@code 。}, {@code ！} or {@code
   * ？}, which CJK text does not follow with a space. Whitespace right after a line break or {@code
   * 。！？} is a cut too, so a run of spaces or an indent goes out with what precedes it.
   */
  SENTENCE("sentence"),

  /**
   * Cuts after a line break: LF, CRLF, a lone CR, NEL, U+2028 or U+2029. For markdown and code,
   * where a half-written line renders badly.
   */
  LINE("line");

  /** What a server uses when the request and the configuration name no policy. */
  public static final ChunkingPolicy DEFAULT = WORD;

  private final String wireName;

  ChunkingPolicy(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in configuration and requests, e.g. {@code word}. */
  public String wireName() {
    return wireName;
  }

  /**
   * The policy named {@code name}, ignoring case and surrounding whitespace.
   *
   * @throws IllegalArgumentException if {@code name} is null or names no policy; the message lists
   *     the valid names
   */
  public static ChunkingPolicy parse(String name) {
    if (name != null) {
      String wanted = name.strip().toLowerCase(Locale.ROOT);
      for (ChunkingPolicy policy : values()) {
        if (policy.wireName.equals(wanted)) {
          return policy;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown chunking policy "
            + (name == null ? "null" : "'" + name + "'")
            + "; valid: "
            + validNames());
  }

  private static String validNames() {
    return Arrays.stream(values()).map(ChunkingPolicy::wireName).collect(Collectors.joining(", "));
  }
}
