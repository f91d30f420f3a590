package dev.sluice.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the PostgreSQL server binaries ({@code initdb}, {@code pg_ctl}) for {@link
 * EmbeddedPostgres}.
 */
final class PostgresBinaries {
  private PostgresBinaries() {}

  /**
   * The first directory holding {@code initdb} and {@code pg_ctl} among: {@code $SLUICE_PG_BIN},
   * Debian's {@code /usr/lib/postgresql/<version>/bin} (newest first), {@code pg_config --bindir}
   * and the {@code PATH}.
   */
  static Optional<Path> find() {
    List<Path> candidates = new ArrayList<>();
    String env = System.getenv("SLUICE_PG_BIN");
    if (env != null && !env.isBlank()) {
      candidates.add(Path.of(env));
    }
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      versions
          .sorted(Comparator.comparingInt(PostgresBinaries::majorVersion).reversed())
          .forEach(v -> candidates.add(v.resolve("bin")));
    } catch (IOException e) {
      // not Debian's layout
    }
    pgConfigBindir().ifPresent(candidates::add);
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir));
      }
    }
    return candidates.stream()
        .filter(
            d -> Files.isExecutable(d.resolve("initdb")) && Files.isExecutable(d.resolve("pg_ctl")))
        .findFirst();
  }

  private static Optional<Path> pgConfigBindir() {
    try {
      Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()
          ? Optional.of(Path.of(out))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static int majorVersion(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString().split("\\.")[0]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
