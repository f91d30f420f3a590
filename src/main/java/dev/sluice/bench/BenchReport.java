package dev.sluice.bench;

import dev.sluice.openai.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmark's figures: collected as the run goes, printed as a table, written as JSON. */
final class BenchReport {
  /**
   * One latency run: a target at a concurrency, with the CPU its process spent, its JIT compiler
   * threads' apart ({@code jitSeconds}, not in {@code cpuSeconds}).
   */
  record Row(
      String target, int concurrency, LoadSummary load, double cpuSeconds, double jitSeconds) {
    double cpuPer1000Streams() {
      int streams = load.completed() + load.failed();
      return streams == 0 ? Double.NaN : cpuSeconds * 1000 / streams;
    }

    double cpuMicrosPerChunk() {
      return load.chunks() == 0 ? Double.NaN : cpuSeconds * 1e6 / load.chunks();
    }
  }

  /** The hold-open run: heap and RSS of Sluice idle and with every stream open. */
  record Hold(
      int streams, LoadSummary load, long heapIdle, long heapOpen, long rssIdle, long rssOpen) {
    double heapKibPerStream() {
      return (heapOpen - heapIdle) / 1024.0 / streams;
    }

    double rssKibPerStream() {
      return (rssOpen - rssIdle) / 1024.0 / streams;
    }
  }

  private final int tokens;
  private final int intervalMs;
  private final int rounds;
  private final List<Row> rows = new ArrayList<>();
  private Hold hold;
  private StartupTimer.Startup startup;

  BenchReport(int tokens, int intervalMs, int rounds) {
    this.tokens = tokens;
    this.intervalMs = intervalMs;
    this.rounds = rounds;
  }

  void add(Row row) {
    rows.add(row);
  }

  void hold(Hold h) {
    this.hold = h;
  }

  void startup(StartupTimer.Startup s) {
    this.startup = s;
  }

  void print(PrintStream out) {
    out.printf(
        "%nStreams of %d tokens %d ms apart, %d per worker; times in ms, CPU of the target's"
            + " process (for direct: the upstream's), without JIT compiler threads%n",
        tokens, intervalMs, rounds);
    out.printf(
        "%-10s %6s %6s %5s %8s %8s %8s %8s %7s %9s %10s %9s%n",
        "target",
        "conc",
        "done",
        "fail",
        "ttft50",
        "ttft90",
        "ttft99",
        "gap99",
        "total s",
        "chunks/s",
        "cpu s/1k",
        "cpu us/ch");
    for (Row r : rows) {
      LoadSummary l = r.load();
      out.printf(
          "%-10s %6d %6d %5d %8.2f %8.2f %8.2f %8.2f %7.2f %9.0f %10.3f %9.1f%n",
          r.target(),
          r.concurrency(),
          l.completed(),
          l.failed(),
          l.ttftP50(),
          l.ttftP90(),
          l.ttftP99(),
          l.gapP99(),
          l.totalSeconds(),
          l.chunksPerSecond(),
          r.cpuPer1000Streams(),
          r.cpuMicrosPerChunk());
      if (l.firstError() != null) {
        out.printf("        first failure: %s%n", l.firstError());
      }
    }
    for (Map<String, Object> c : comparisons()) {
      out.println("  " + c);
    }
    if (hold != null) {
      LoadSummary l = hold.load();
      out.printf(
          "%nHeld open at once: %d streams, %d completed, %d failed; Sluice heap %d MiB (idle %d),"
              + " RSS %d MiB (idle %d): %.1f KiB heap and %.1f KiB RSS per open stream%n",
          hold.streams(),
          l.completed(),
          l.failed(),
          hold.heapOpen() >> 20,
          hold.heapIdle() >> 20,
          hold.rssOpen() >> 20,
          hold.rssIdle() >> 20,
          hold.heapKibPerStream(),
          hold.rssKibPerStream());
    }
    if (startup != null) {
      out.printf(
          "%njava -jar to first served request: median %.0f ms (best %.0f); with the AOT cache"
              + " median %.0f ms (best %.0f)%n",
          startup.plainMedian(), startup.plainBest(), startup.aotMedian(), startup.aotBest());
    }
  }

  /** Sluice beside direct and nginx at each concurrency: added TTFT and CPU ratio. */
  private List<Map<String, Object>> comparisons() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Row s : rows) {
      if (!s.target().startsWith("sluice")) {
        continue;
      }
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("target", s.target());
      c.put("concurrency", s.concurrency());
      Row direct = find("direct", s.concurrency());
      if (direct != null) {
        c.put("added_ttft_p50_ms", round(s.load().ttftP50() - direct.load().ttftP50()));
        c.put("added_ttft_p99_ms", round(s.load().ttftP99() - direct.load().ttftP99()));
      }
      Row nginx = find("nginx", s.concurrency());
      if (nginx != null) {
        c.put("ttft_p50_minus_nginx_ms", round(s.load().ttftP50() - nginx.load().ttftP50()));
        c.put("cpu_per_chunk_vs_nginx", round(s.cpuMicrosPerChunk() / nginx.cpuMicrosPerChunk()));
      }
      out.add(c);
    }
    return out;
  }

  private Row find(String target, int concurrency) {
    return rows.stream()
        .filter(r -> r.target().equals(target) && r.concurrency() == concurrency)
        .findFirst()
        .orElse(null);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  void writeJson(Path file) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("date", Instant.now().toString());
    json.put("cpus", Runtime.getRuntime().availableProcessors());
    json.put("java", System.getProperty("java.vm.version"));
    json.put("tokens", tokens);
    json.put("interval_ms", intervalMs);
    json.put("rounds", rounds);
    List<Map<String, Object>> runs = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("target", r.target());
      m.put("concurrency", r.concurrency());
      m.putAll(r.load().toJson());
      m.put("cpu_s", r.cpuSeconds());
      m.put("jit_cpu_s", r.jitSeconds());
      m.put("cpu_s_per_1000_streams", r.cpuPer1000Streams());
      m.put("cpu_us_per_chunk", r.cpuMicrosPerChunk());
      runs.add(m);
    }
    json.put("runs", runs);
    json.put("comparisons", comparisons());
    if (hold != null) {
      Map<String, Object> h = new LinkedHashMap<>(hold.load().toJson());
      h.put("streams", hold.streams());
      h.put("heap_idle_bytes", hold.heapIdle());
      h.put("heap_open_bytes", hold.heapOpen());
      h.put("rss_idle_bytes", hold.rssIdle());
      h.put("rss_open_bytes", hold.rssOpen());
      h.put("heap_kib_per_stream", hold.heapKibPerStream());
      h.put("rss_kib_per_stream", hold.rssKibPerStream());
      json.put("hold_open", h);
    }
    if (startup != null) {
      json.put("startup_ms", startup);
    }
    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
  }
}
