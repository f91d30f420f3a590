package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice bench}: the side-by-side benchmark. Starts, as child processes on loopback, a paced
 * fake upstream, Sluice routed to it, and nginx as a plain reverse proxy in front of it; drives the
 * same streaming load at each (and at the upstream directly) from this process; measures what
 * clients see and what each server spends; then holds thousands of streams open at once and times
 * Sluice's start. Prints a table and writes the figures as JSON.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmark Sluice beside a direct connection and nginx, on loopback.")
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--tokens", description = "Tokens per stream (default: ${DEFAULT-VALUE}).")
  int tokens = 50;

  @Option(names = "--interval-ms", description = "Between tokens (default: ${DEFAULT-VALUE}).")
  int intervalMs = 10;

  @Option(
      names = "--concurrency",
      split = ",",
      description = "Concurrent streams per latency run (default: 100,1000).")
  List<Integer> concurrency = List.of(100, 1000);

  @Option(names = "--rounds", description = "Streams per worker (default: ${DEFAULT-VALUE}).")
  int rounds = 4;

  @Option(
      names = "--hold",
      description =
          "Streams held open at once; 0 skips (default: ${DEFAULT-VALUE}, the most that a"
              + " 20,000 open-file limit allows at two sockets per stream).")
  int hold = 9_800;

  @Option(names = "--hold-rate", description = "Streams opened per second (default: 1000).")
  int holdRate = 1_000;

  @Option(names = "--startup-runs", description = "Cold starts timed; 0 skips (default: 5).")
  int startupRuns = 5;

  @Option(names = "--nginx", description = "nginx binary; missing: no nginx rows.")
  Path nginx = Nginx.DEFAULT_BINARY;

  @Option(names = "--heap", description = "Sluice's -Xmx (default: ${DEFAULT-VALUE}).")
  String heap = "1g";

  @Option(names = "--out", description = "Folder for the JSON, config and logs.")
  Path out = Path.of("target", "bench");

  @Override
  public Integer call() throws Exception {
    out = Files.createDirectories(out).toAbsolutePath();
    BenchReport report = new BenchReport(tokens, intervalMs, rounds);
    try (ServerProcess upstream = upstream("upstream", tokens, intervalMs);
        ServerProcess sluice = sluice("sluice", upstream.port());
        ServerProcess proxy = Files.isExecutable(nginx) ? startNginx(upstream.port()) : null) {
      if (proxy == null) {
        System.err.println("bench: no nginx at " + nginx + " (apt-get install nginx): no rows");
      }
      warmUp(sluice);
      for (int c : concurrency) {
        report.add(measure("direct", upstream, "bench", c));
        if (proxy != null) {
          report.add(measure("nginx", proxy, "bench", c));
        }
        report.add(measure("sluice", sluice, "bench", c));
        report.add(measure("sluice-raw", sluice, "bench-raw", c));
      }
    }
    if (hold > 0) {
      // A fresh upstream and Sluice: no pooled connections or heap left from the runs above, so
      // the idle baseline is clean and every file descriptor is there for the held streams.
      try (ServerProcess slow = upstream("upstream-hold", HOLD_TOKENS, HOLD_INTERVAL_MS);
          ServerProcess sluice = sluice("sluice-hold", slow.port())) {
        report.hold(holdOpen(sluice));
      }
    }
    if (startupRuns > 0) {
      report.startup(new StartupTimer(out).measure(startupRuns));
    }
    report.print(System.out);
    Path json = out.resolve("bench.json");
    report.writeJson(json);
    System.out.println("JSON: " + json);
    return 0;
  }

  private ServerProcess upstream(String name, int t, int interval)
      throws IOException, InterruptedException {
    int port = ServerProcess.freePort();
    return ServerProcess.start(
        name,
        ServerProcess.java(
            List.of("-Xmx256m", "-XX:+UseSerialGC"),
            PacedUpstream.class.getName(),
            Integer.toString(port),
            Integer.toString(t),
            Integer.toString(interval)),
        port,
        out);
  }

  private static final int HOLD_TOKENS = 40;
  private static final int HOLD_INTERVAL_MS = 1_000;

  private ServerProcess sluice(String name, int upstreamPort)
      throws IOException, InterruptedException {
    Path config = out.resolve(name + ".yaml");
    Files.writeString(
        config,
        """
        models:
          - name: bench
            provider: openai
            base_url: http://127.0.0.1:%1$d/v1
          - name: bench-raw
            provider: openai
            base_url: http://127.0.0.1:%1$d/v1
            chunking: raw
        """
            .formatted(upstreamPort));
    int port = ServerProcess.freePort();
    List<String> jvm =
        new ArrayList<>(List.of("-Xmx" + heap, "--enable-native-access=ALL-UNNAMED"));
    String extra = System.getenv("SLUICE_BENCH_JVM_OPTS");
    if (extra != null && !extra.isBlank()) {
      jvm.addAll(List.of(extra.trim().split("\\s+")));
    }
    return ServerProcess.start(
        name,
        ServerProcess.java(
            jvm,
            dev.sluice.Sluice.class.getName(),
            "serve",
            "--config",
            config.toString(),
            "--port",
            Integer.toString(port)),
        port,
        out);
  }

  private ServerProcess startNginx(int upstreamPort) throws IOException, InterruptedException {
    return Nginx.start(nginx, ServerProcess.freePort(), upstreamPort, out);
  }

  /**
   * The JIT compiles Sluice's hot path before anything is measured (nginx needs no warming): rounds
   * of load until a round costs the compiler threads under 50 ms, at most ten.
   */
  private void warmUp(ServerProcess sluice) {
    for (String model : List.of("bench", "bench-raw")) {
      LoadRun run = new LoadRun(sluice.address(), "/v1/chat/completions", model, tokens);
      for (int i = 0; i < 10; i++) {
        double jit = ProcessStats.jitSeconds(sluice.pid());
        run.closedLoop(200, 5, (long) tokens * intervalMs);
        if (ProcessStats.jitSeconds(sluice.pid()) - jit < 0.05) {
          break;
        }
      }
    }
  }

  /** One latency run at {@code target}, with the CPU its process (tree) spent on it. */
  private BenchReport.Row measure(String name, ServerProcess target, String model, int c)
      throws InterruptedException {
    LoadRun run = new LoadRun(target.address(), "/v1/chat/completions", model, tokens);
    double cpuBefore = ProcessStats.cpuSeconds(target.pid());
    double jitBefore = ProcessStats.jitSeconds(target.pid());
    LoadSummary summary = run.closedLoop(c, rounds, (long) tokens * intervalMs);
    double jit = ProcessStats.jitSeconds(target.pid()) - jitBefore;
    double cpu = ProcessStats.cpuSeconds(target.pid()) - cpuBefore - jit;
    System.err.printf(
        "bench: %-6s c=%-5d done=%d failed=%d ttft p50 %.2f ms cpu %.2f s (+ jit %.2f s)%n",
        name, c, summary.completed(), summary.failed(), summary.ttftP50(), cpu, jit);
    return new BenchReport.Row(name, c, summary, cpu, jit);
  }

  private BenchReport.Hold holdOpen(ServerProcess sluice) throws InterruptedException {
    long[] open = new long[2];
    // The baseline is the idle server right after its start: what the open streams add over it
    // includes the code they warm up, so the per-stream figures err on the high side.
    long heapIdle = ProcessStats.liveHeapBytes(sluice.pid());
    long rssIdle = ProcessStats.rssBytes(sluice.pid());
    LoadRun run = new LoadRun(sluice.address(), "/v1/chat/completions", "bench", HOLD_TOKENS);
    LoadSummary summary =
        run.holdOpen(
            hold,
            holdRate,
            () -> {
              open[0] = ProcessStats.liveHeapBytes(sluice.pid());
              open[1] = ProcessStats.rssBytes(sluice.pid());
            });
    System.err.printf(
        "bench: hold %d: done=%d failed=%d heap %d MiB rss %d MiB%n",
        hold, summary.completed(), summary.failed(), open[0] >> 20, open[1] >> 20);
    return new BenchReport.Hold(hold, summary, heapIdle, open[0], rssIdle, open[1]);
  }
}
