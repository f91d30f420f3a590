package dev.sluice.bench;

import dev.sluice.stream.ChunkCoalescer;
import dev.sluice.stream.ChunkingPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost per delta of the chunking stage: one {@link ChunkCoalescer#offer} of a token-sized delta, as
 * a model streams them (about 4 characters, words with their leading space). The score is per
 * delta; {@code gc.alloc.rate.norm} is the bytes allocated per delta. Run with {@code bin/bench
 * ChunkCoalescer}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChunkCoalescerBenchmark {
  private static final String ENGLISH =
      "Sluice streams tokens to every client as soon as they arrive, in whole words, without"
          + " empty chunks. The quick brown fox jumps over the lazy dog; numbers like 3.14 and"
          + " URLs like https://example.com stay intact.\n";
  private static final String MIXED =
      "Café déjà vu 🚀 naïve 👍🏽 family 👨‍👩‍👧 flag 🇫🇷 日本語のテキストも 大丈夫です。 e\u0301 ok.\n";

  @Param({"word", "raw", "sentence", "line"})
  public String policy;

  @Param({"english", "mixed"})
  public String text;

  private String[] deltas;
  private ChunkCoalescer coalescer;
  private int next;
  private long clock;

  @Setup
  public void setUp() {
    deltas = tokenize((text.equals("english") ? ENGLISH : MIXED).repeat(20));
    coalescer = new ChunkCoalescer(ChunkingPolicy.parse(policy), 40_000_000L);
  }

  /** One delta in, whatever is released out; every 2,000 deltas the stream ends (drain). */
  @Benchmark
  public String offer() {
    if (next == deltas.length) {
      next = 0;
      coalescer.drain();
    }
    clock += 20_000; // 20 µs between deltas: never overdue, so only policy boundaries release
    return coalescer.offer(deltas[next++], clock);
  }

  /** Token-like pieces: a run of letters or digits with the spaces before it, or one character. */
  private static String[] tokenize(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
      if (i < s.length() && Character.isLetterOrDigit(s.codePointAt(i))) {
        while (i < s.length() && Character.isLetterOrDigit(s.codePointAt(i)) && i - start < 6) {
          i += Character.charCount(s.codePointAt(i));
        }
      } else if (i < s.length()) {
        i += Character.charCount(s.codePointAt(i));
      }
      out.add(s.substring(start, i));
    }
    return out.toArray(String[]::new);
  }
}
