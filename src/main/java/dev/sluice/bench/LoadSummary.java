package dev.sluice.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a load run's clients saw, summarised: completed and failed streams, time to first token and
 * inter-chunk gap percentiles (exact, from every sample), wall time and content chunks per second.
 * Times are in milliseconds.
 */
record LoadSummary(
    int completed,
    int failed,
    String firstError,
    double ttftP50,
    double ttftP90,
    double ttftP99,
    double gapP50,
    double gapP99,
    double totalSeconds,
    long chunks) {

  static LoadSummary of(List<StreamProbe.Result> results, long wallNanos) {
    int completed = 0;
    int failed = 0;
    String firstError = null;
    long chunks = 0;
    int gapCount = 0;
    for (StreamProbe.Result r : results) {
      gapCount += r.gapsNanos().length;
    }
    long[] ttft = new long[results.size()];
    long[] gaps = new long[gapCount];
    int t = 0;
    int g = 0;
    for (StreamProbe.Result r : results) {
      if (r.ok()) {
        completed++;
        ttft[t++] = r.firstTokenNanos();
      } else {
        failed++;
        firstError = firstError == null ? r.error() : firstError;
      }
      chunks += r.contentEvents();
      System.arraycopy(r.gapsNanos(), 0, gaps, g, r.gapsNanos().length);
      g += r.gapsNanos().length;
    }
    long[] firsts = Arrays.copyOf(ttft, t);
    Arrays.sort(firsts);
    Arrays.sort(gaps);
    return new LoadSummary(
        completed,
        failed,
        firstError,
        percentile(firsts, 50),
        percentile(firsts, 90),
        percentile(firsts, 99),
        percentile(gaps, 50),
        percentile(gaps, 99),
        wallNanos / 1e9,
        chunks);
  }

  double chunksPerSecond() {
    return totalSeconds == 0 ? 0 : chunks / totalSeconds;
  }

  /** Nearest-rank percentile of sorted nanoseconds, in milliseconds; NaN when there are none. */
  static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("completed", completed);
    m.put("failed", failed);
    if (firstError != null) {
      m.put("first_error", firstError);
    }
    m.put("ttft_ms", Map.of("p50", ttftP50, "p90", ttftP90, "p99", ttftP99));
    m.put("gap_ms", Map.of("p50", gapP50, "p99", gapP99));
    m.put("total_s", totalSeconds);
    m.put("chunks", chunks);
    m.put("chunks_per_s", chunksPerSecond());
    return m;
  }
}
