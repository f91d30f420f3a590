package dev.sluice.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server the benchmark runs as a child process on loopback (the paced upstream, Sluice, nginx),
 * so that its CPU time and memory are its own. Its output goes to a log file in the run's folder.
 * {@link #close()} kills it and waits for it; safe to call twice.
 */
final class ServerProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final int port;

  private ServerProcess(String name, Process process, int port) {
    this.name = name;
    this.process = process;
    this.port = port;
  }

  /** Starts {@code command} and waits until {@code port} accepts connections. */
  static ServerProcess start(String name, List<String> command, int port, Path logs)
      throws IOException, InterruptedException {
    Path log = logs.resolve(name + ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!accepts(port)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IOException(
            name + " did not start on port " + port + "; its output:\n" + tail(log));
      }
      Thread.sleep(5);
    }
    return new ServerProcess(name, p, port);
  }

  /** The java command that runs this same jar or classpath, with {@code jvmOptions}. */
  static List<String> java(List<String> jvmOptions, String... mainAndArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.addAll(List.of(mainAndArgs));
    return cmd;
  }

  /** A port that was free a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no output)";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.toHandle().descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
