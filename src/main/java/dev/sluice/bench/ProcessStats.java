package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time and resident memory of a process and its descendants (nginx's workers are children of
 * its master), read from Linux's {@code /proc}. CPU is user plus system time.
 */
final class ProcessStats {
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ, 100 on every Linux we run on

  private ProcessStats() {}

  /** CPU seconds used so far by {@code pid} and its descendants. */
  static double cpuSeconds(long pid) {
    double total = 0;
    for (long p : tree(pid)) {
      String[] f = statFields(Path.of("/proc", Long.toString(p), "stat"));
      if (f != null) {
        total += cpu(f);
      }
    }
    return total;
  }

  /**
   * CPU seconds spent so far by a JVM's JIT compiler threads ({@code C1/C2 CompilerThread}): a
   * warm-up cost, not a per-chunk one, reported apart so that steady-state figures compare with a
   * server written in C. 0 for other processes.
   */
  static double jitSeconds(long pid) {
    double total = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String comm = Files.readString(task.resolve("comm")).strip();
          String[] f = statFields(task.resolve("stat"));
          if (f != null && (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler"))) {
            total += cpu(f);
          }
        } catch (IOException | RuntimeException gone) {
          // The thread ended between listing and reading.
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return total;
  }

  /** Resident set size in bytes of {@code pid} and its descendants. */
  static long rssBytes(long pid) {
    long total = 0;
    for (long p : tree(pid)) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p), "status"))) {
          if (line.startsWith("VmRSS:")) {
            total += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
          }
        }
      } catch (IOException | RuntimeException gone) {
        // The process ended between listing and reading.
      }
    }
    return total;
  }

  /**
   * The live heap of a JVM, in bytes: a full GC is asked for with {@code jcmd GC.run}, then the
   * used heap read from {@code GC.heap_info}. -1 when jcmd cannot tell.
   */
  static long liveHeapBytes(long pid) {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      run(jcmd, Long.toString(pid), "GC.run");
      java.util.regex.Matcher used =
          java.util.regex.Pattern.compile("used (\\d+)K")
              .matcher(run(jcmd, Long.toString(pid), "GC.heap_info"));
      return used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  private static List<Long> tree(long root) {
    List<Long> all = new ArrayList<>();
    all.add(root);
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      List<long[]> parents = new ArrayList<>();
      procs
          .map(p -> p.getFileName().toString())
          .filter(n -> n.chars().allMatch(Character::isDigit))
          .forEach(
              n -> {
                String[] f = statFields(Path.of("/proc", n, "stat"));
                if (f != null) {
                  parents.add(new long[] {Long.parseLong(n), Long.parseLong(f[1])});
                }
              });
      for (int i = 0; i < all.size(); i++) {
        for (long[] pp : parents) {
          if (pp[1] == all.get(i)) {
            all.add(pp[0]);
          }
        }
      }
    } catch (IOException e) {
      // Only the root then.
    }
    return all;
  }

  /** User plus system seconds from a stat file's fields. */
  private static double cpu(String[] fields) {
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
  }

  /** The fields of /proc/pid/stat after the command name: [0] is state, [1] ppid, [11] utime. */
  private static String[] statFields(Path statFile) {
    try {
      String stat = Files.readString(statFile);
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException gone) {
      return null;
    }
  }
}
