package dev.sluice.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Feeds {@link ChunkCoalescer} generated streams (see {@link GeneratedDeltas}) with a simulated
 * clock, calling {@link ChunkCoalescer#releaseIfDue} at random moments, and checks after every call
 * and at the end: lossless and in order, no empty or null chunk, no cut inside a surrogate pair or
 * grapheme cluster of the whole text (per {@link BreakIterator}), every chunk that is not a drain
 * ends on a policy boundary unless its first char had waited the maximum delay, nothing complete is
 * held past a boundary or past its deadline, and {@link ChunkCoalescer#deadlineNanos} is exactly
 * the oldest held char's arrival plus the delay. Replay a failure with {@code
 * -Dsluice.seed=<seed>}.
 */
class ChunkCoalescerPropertyTest {
  private static final int CASES_PER_POLICY = 10_000;
  private static final long MS = 1_000_000L;
  private static final long SEED = Long.getLong("sluice.seed", System.nanoTime());

  @BeforeAll
  static void printSeed() {
    System.out.println("ChunkCoalescerPropertyTest seed " + SEED + " (-Dsluice.seed=" + SEED + ")");
  }

  @ParameterizedTest
  @EnumSource(ChunkingPolicy.class)
  void generatedStreamsKeepEveryInvariant(ChunkingPolicy policy) {
    SplittableRandom cases = new SplittableRandom(SEED + policy.ordinal());
    BreakIterator clusters = BreakIterator.getCharacterInstance();
    int[] seen = new int[Seen.values().length];
    for (int n = 0; n < CASES_PER_POLICY; n++) {
      new Case(policy, n, cases.split(), clusters, seen).run();
    }
    // The generator must keep producing the hard cases, or the checks above prove little.
    System.out.println(policy + " cases " + CASES_PER_POLICY + ", seen " + Arrays.toString(seen));
    for (Seen what : Seen.values()) {
      // RAW holds nothing but an unfinished cluster, which no delay releases.
      boolean possible =
          policy != ChunkingPolicy.RAW || what.ordinal() < Seen.RELEASE_IF_DUE_RELEASED.ordinal();
      assertThat(seen[what.ordinal()] > 0 || !possible)
          .as("%s never happened; seed %d", what, SEED)
          .isTrue();
    }
  }

  /** Situations worth exercising, counted over a run. */
  private enum Seen {
    EMPTY_DELTA,
    DELTA_ENDS_INSIDE_PAIR,
    DELTA_ENDS_INSIDE_CLUSTER,
    RELEASE_IF_DUE_RELEASED,
    CUT_OFF_BOUNDARY_BY_DELAY
  }

  private enum Source {
    OFFER,
    DUE,
    DRAIN
  }

  private record Chunk(int start, int end, long at, Source source) {}

  /** A call on the coalescer, rendered for the failure message only. */
  private record Call(String method, String delta, long at) {
    @Override
    public String toString() {
      return method + (delta == null ? "" : "(\"" + escape(delta) + "\")") + "@" + at;
    }
  }

  /** One generated stream, fed and checked. */
  private static final class Case {
    private final ChunkingPolicy policy;
    private final int number;
    private final SplittableRandom rnd;
    private final BreakIterator clusters;
    private final long maxDelay;
    private final ChunkCoalescer coalescer;
    private final StringBuilder input = new StringBuilder();
    private final StringBuilder output = new StringBuilder();
    private final List<Chunk> chunks = new ArrayList<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<Integer> deltaEnds = new ArrayList<>();
    private final int[] seen;
    private long[] arrival = new long[64];
    private int[] bounds = new int[64];
    private int boundCount;
    private int knownEnd;
    private long now;

    Case(
        ChunkingPolicy policy,
        int number,
        SplittableRandom rnd,
        BreakIterator clusters,
        int[] seen) {
      this.policy = policy;
      this.seen = seen;
      this.number = number;
      this.rnd = rnd;
      this.clusters = clusters;
      int delayKind = rnd.nextInt(20);
      this.maxDelay = delayKind == 0 ? 0 : delayKind == 1 ? rnd.nextLong(1, 100 * MS) : 40 * MS;
      this.coalescer = new ChunkCoalescer(policy, maxDelay);
      this.now = rnd.nextLong(-(1L << 60), 1L << 60);
    }

    void run() {
      for (String delta : GeneratedDeltas.split(rnd, GeneratedDeltas.text(rnd))) {
        maybeReleaseIfDue();
        now += advance();
        arrive(delta);
        deltaEnds.add(input.length());
        if (delta.isEmpty()) {
          seen[Seen.EMPTY_DELTA.ordinal()]++;
        } else if (Character.isHighSurrogate(delta.charAt(delta.length() - 1))) {
          seen[Seen.DELTA_ENDS_INSIDE_PAIR.ordinal()]++;
        }
        calls.add(new Call("offer", delta, now));
        received(coalescer.offer(delta, now), Source.OFFER);
      }
      maybeReleaseIfDue();
      calls.add(new Call("drain", null, now));
      received(coalescer.drain(), Source.DRAIN);
      check(output.toString().contentEquals(input), "output differs from input");
      checkChunks();
    }

    private void maybeReleaseIfDue() {
      int roll = rnd.nextInt(10);
      long deadline = coalescer.deadlineNanos();
      if (roll < 2) {
        now += advance();
        releaseIfDue();
      } else if (roll < 4 && deadline != Long.MAX_VALUE && deadline - 1 > now) {
        now = deadline - 1; // just before: nothing may come out
        releaseIfDue();
        now = deadline;
        releaseIfDue();
      }
    }

    private void releaseIfDue() {
      calls.add(new Call("releaseIfDue", null, now));
      received(coalescer.releaseIfDue(now), Source.DUE);
    }

    private long advance() {
      int roll = rnd.nextInt(20);
      if (roll < 10) {
        return rnd.nextLong(3 * MS);
      } else if (roll < 16) {
        return rnd.nextLong(3 * MS, 20 * MS);
      } else if (roll < 19) {
        return rnd.nextLong(20 * MS, 60 * MS);
      }
      return rnd.nextLong(60 * MS, 500 * MS);
    }

    private void arrive(String delta) {
      int from = input.length();
      input.append(delta);
      if (input.length() > arrival.length) {
        arrival = Arrays.copyOf(arrival, Math.max(arrival.length * 2, input.length()));
      }
      Arrays.fill(arrival, from, input.length(), now);
    }

    private void received(String text, Source source) {
      check(text != null, "null returned");
      if (!text.isEmpty()) {
        int start = output.length();
        int end = start + text.length();
        check(end <= input.length(), "more text out than in");
        check(input.substring(start, end).equals(text), "chunk is not the next input text");
        chunks.add(new Chunk(start, end, now, source));
        output.append(text);
      }
      if (source != Source.DRAIN) {
        checkHeld();
      }
    }

    /**
     * The held text contains no complete cluster ending on a policy boundary; if it contains a
     * complete cluster at all, its oldest char is not yet overdue and the deadline says when.
     */
    private void checkHeld() {
      int held = output.length();
      int complete = input.length();
      if (complete > 0 && Character.isHighSurrogate(input.charAt(complete - 1))) {
        complete--; // the pair is not complete yet
      }
      updateKnownBounds(complete);
      boolean endIsCertain =
          complete > 0 && endsCluster(Character.codePointBefore(input, complete));
      int lastCertain = -1;
      int first = Arrays.binarySearch(bounds, 0, boundCount, held);
      for (int k = Math.max(1, first >= 0 ? first + 1 : -first - 1); k < boundCount; k++) {
        int b = bounds[k];
        if (b < complete || endIsCertain) {
          lastCertain = b;
          check(!PolicyOracle.cutAfter(policy, input, bounds, k), "held past boundary " + b);
        }
      }
      long expected = Long.MAX_VALUE;
      if (lastCertain > 0) {
        check(now - arrival[held] < maxDelay, "overdue text held up to " + lastCertain);
        expected = arrival[held] + maxDelay;
      }
      check(coalescer.deadlineNanos() == expected, "deadline should be " + expected);
    }

    /** UAX #29 GB4: a control (other than CR, which may pair with LF) or LF ends its cluster. */
    private static boolean endsCluster(int cp) {
      int type = Character.getType(cp);
      return cp != '\r'
          && (type == Character.CONTROL
              || type == Character.LINE_SEPARATOR
              || type == Character.PARAGRAPH_SEPARATOR);
    }

    /**
     * Grapheme boundaries of the complete code points received so far. A boundary followed by a
     * known code point never moves, so only the text from the last of those is segmented again, the
     * way BreakIterator itself restarts at each boundary; the final check segments the whole.
     */
    private void updateKnownBounds(int complete) {
      int keep = boundCount;
      while (keep > 0 && bounds[keep - 1] >= knownEnd) {
        keep--;
      }
      int restart = keep > 0 ? bounds[--keep] : 0;
      clusters.setText(input.substring(restart, complete));
      for (int b = clusters.first(); b != BreakIterator.DONE; b = clusters.next()) {
        if (keep == bounds.length) {
          bounds = Arrays.copyOf(bounds, keep * 2);
        }
        bounds[keep++] = restart + b;
      }
      boundCount = keep;
      knownEnd = complete;
    }

    private void checkChunks() {
      String text = input.toString();
      int[] whole = boundaries(text);
      for (int end : deltaEnds) {
        if (Arrays.binarySearch(whole, end) < 0) {
          seen[Seen.DELTA_ENDS_INSIDE_CLUSTER.ordinal()]++;
        }
      }
      for (Chunk chunk : chunks) {
        int k = Arrays.binarySearch(whole, chunk.end());
        check(k >= 0, "chunk " + chunk + " ends inside a grapheme cluster");
        if (chunk.end() < text.length()) {
          check(
              !Character.isSurrogatePair(text.charAt(chunk.end() - 1), text.charAt(chunk.end())),
              "chunk " + chunk + " ends inside a surrogate pair");
        }
        if (chunk.source() != Source.DRAIN) {
          boolean waited = chunk.at() - arrival[chunk.start()] >= maxDelay;
          check(waited || chunk.source() == Source.OFFER, "early releaseIfDue: " + chunk);
          boolean onBoundary = PolicyOracle.cutAfter(policy, text, whole, k);
          check(waited || onBoundary, "chunk " + chunk + " ends off a boundary, not overdue");
          seen[Seen.RELEASE_IF_DUE_RELEASED.ordinal()] += chunk.source() == Source.DUE ? 1 : 0;
          seen[Seen.CUT_OFF_BOUNDARY_BY_DELAY.ordinal()] += onBoundary ? 0 : 1;
        }
      }
    }

    private int[] boundaries(String text) {
      clusters.setText(text);
      int[] whole = new int[text.length() + 1];
      int n = 0;
      for (int b = clusters.first(); b != BreakIterator.DONE; b = clusters.next()) {
        whole[n++] = b;
      }
      return Arrays.copyOf(whole, n);
    }

    private void check(boolean ok, String what) {
      if (!ok) {
        throw new AssertionError(
            String.format(
                "%s%n  seed %d (-Dsluice.seed=%d), policy %s, case %d, maxDelay %d ns%n"
                    + "  calls: %s%n  chunks: %s",
                what, SEED, SEED, policy, number, maxDelay, calls, chunks));
      }
    }
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : "\\u%04X".formatted((int) c));
    }
    return out.toString();
  }
}
