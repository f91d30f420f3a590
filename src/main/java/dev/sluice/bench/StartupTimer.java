package dev.sluice.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Times {@code java -jar sluice.jar serve} from process start to its first served request (a 200
 * from {@code GET /health}), on the embedded defaults, cold each time: once plainly and once with a
 * JDK 25 AOT cache (JEP 483/514) made by a training run of the same jar.
 */
final class StartupTimer {
  /** Median and best start times, in milliseconds, without and with the AOT cache. */
  record Startup(double plainMedian, double plainBest, double aotMedian, double aotBest) {}

  private final Path dir;

  StartupTimer(Path dir) {
    this.dir = dir;
  }

  Startup measure(int runs) throws IOException, InterruptedException {
    String jar = Path.of(System.getProperty("java.class.path")).toAbsolutePath().toString();
    if (!jar.endsWith(".jar") || jar.contains(java.io.File.pathSeparator)) {
      System.err.println("bench: not run from the jar (" + jar + "): start time not measured");
      return new Startup(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    Path cwd = Files.createDirectories(dir.resolve("startup"));
    double[] plain = times(runs, jar, cwd, List.of());
    Path cache = dir.resolve("sluice.aot");
    Files.deleteIfExists(cache);
    train(jar, cwd, cache);
    double[] aot =
        Files.exists(cache)
            ? times(runs, jar, cwd, List.of("-XX:AOTCache=" + cache))
            : new double[] {Double.NaN};
    return new Startup(median(plain), plain[0], median(aot), aot[0]);
  }

  private double[] times(int runs, String jar, Path cwd, List<String> options)
      throws IOException, InterruptedException {
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      ms[i] = once(jar, cwd, options);
    }
    Arrays.sort(ms);
    return ms;
  }

  /** The training run of bin/sluice: {@code aot-train}; the JVM writes the cache as it exits. */
  private void train(String jar, Path cwd, Path cache) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:AOTCacheOutput=" + cache,
                "-jar",
                jar,
                "aot-train")
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("aot-train.log").toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  private double once(String jar, Path cwd, List<String> options)
      throws IOException, InterruptedException {
    int port = ServerProcess.freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.addAll(options);
    cmd.addAll(List.of("-jar", jar, "serve", "--port", Integer.toString(port)));
    ProcessBuilder builder =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("startup.log").toFile());
    builder.environment().remove("OPENAI_API_KEY");
    long start = System.nanoTime();
    Process p = builder.start();
    try {
      long deadline = start + TimeUnit.SECONDS.toNanos(30);
      while (!healthy(port)) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IOException("sluice did not start; see " + dir.resolve("startup.log"));
        }
        Thread.sleep(2);
      }
      return (System.nanoTime() - start) / 1e6;
    } finally {
      p.destroy(); // SIGTERM: the shutdown hook stops the server, and a training JVM writes its
      // cache
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  private static boolean healthy(int port) {
    try {
      return request(port, "GET", "/health", "").startsWith("HTTP/1.1 200");
    } catch (IOException e) {
      return false;
    }
  }

  private static String request(int port, String method, String path, String body)
      throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 100);
      byte[] json = body.getBytes(StandardCharsets.UTF_8);
      OutputStream out = s.getOutputStream();
      out.write(
          (method
                  + " "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                  + "Content-Type: application/json\r\nContent-Length: "
                  + json.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(json);
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static double median(double[] sorted) {
    return sorted[sorted.length / 2];
  }
}
