package dev.sluice.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL server for tests: a fresh cluster in a temporary directory, on a free
 * loopback port, with trust authentication for the superuser {@value #USER}. Stopping it ({@link
 * #close}, or the JVM's exit) kills the server and deletes the directory.
 *
 * <p>Uses the installed server binaries ({@code initdb}, {@code pg_ctl}), found in {@code
 * $SLUICE_PG_BIN}, {@code /usr/lib/postgresql/<newest>/bin}, {@code pg_config --bindir} or the
 * {@code PATH}. PostgreSQL refuses to run as root, so as root it is run as the {@code postgres} OS
 * user (which Debian's package creates) through {@code runuser}.
 *
 * <p>Tests use {@link #startForTests()} (a server of their own) or {@link #shared()} (one per JVM):
 * where PostgreSQL is missing, both fail under CI (which must test both databases) and skip
 * elsewhere. Thread-safe after start; each test class takes a database of its own ({@link
 * #createDatabase}).
 */
public final class EmbeddedPostgres implements AutoCloseable {
  /** The superuser, who needs no password. */
  public static final String USER = "postgres";

  private static final long STEP_TIMEOUT_SECONDS = 120;
  private static EmbeddedPostgres shared;

  private final Path bin;
  private final Path base;
  private final Path data;
  private final boolean asPostgresUser;
  private final Thread shutdownHook;
  private int port;
  private boolean closed;

  private EmbeddedPostgres(Path bin, Path base, boolean asPostgresUser) {
    this.bin = bin;
    this.base = base;
    this.data = base.resolve("data");
    this.asPostgresUser = asPostgresUser;
    this.shutdownHook = new Thread(this::stopQuietly, "embedded-postgres-stop");
  }

  /**
   * Starts a server for a test class. Without PostgreSQL installed: fails when {@code CI} is set,
   * else aborts the calling test or class as skipped, saying why. A server that is installed but
   * does not start always fails.
   */
  public static EmbeddedPostgres startForTests() {
    Optional<Path> bin = PostgresBinaries.find();
    if (bin.isEmpty()) {
      String why =
          "PostgreSQL server binaries not found ($SLUICE_PG_BIN, /usr/lib/postgresql/*/bin,"
              + " pg_config --bindir, PATH). bin/test installs them on Debian; locally run"
              + " `apt-get install postgresql` or set SLUICE_PG_BIN.";
      missing(why, isCi());
    }
    try {
      return start(bin.get());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start PostgreSQL from " + bin.get(), e);
    }
  }

  /**
   * One server for every test class of this JVM that wants one, started on first use (as {@link
   * #startForTests()}) and stopped when the JVM exits: a test class then costs a {@link
   * #createDatabase} of its own instead of a server start. Do not close it.
   */
  public static synchronized EmbeddedPostgres shared() {
    if (shared == null) {
      shared = startForTests();
    }
    return shared;
  }

  /** Fails (under CI, which must test both databases) or skips (elsewhere) for a missing server. */
  static void missing(String why, boolean ci) {
    if (ci) {
      Assertions.fail("CI must run the PostgreSQL tests too, but: " + why);
    }
    Assumptions.abort("Skipping the PostgreSQL tests: " + why);
  }

  /** Starts a server from the binaries in {@code bin}. */
  public static EmbeddedPostgres start(Path bin) throws IOException {
    boolean root = isRoot();
    // As root, the postgres user must reach the directory: /tmp rather than a private tmpdir.
    Path tmp = root ? Path.of("/tmp") : Path.of(System.getProperty("java.io.tmpdir"));
    Path base = Files.createTempDirectory(tmp, "sluice-pg-");
    if (root) {
      UserPrincipal postgres;
      try {
        postgres = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
      } catch (IOException e) {
        deleteTree(base);
        throw new IOException(
            "Running as root, PostgreSQL must run as the OS user 'postgres', which does not exist"
                + " (the Debian package creates it).",
            e);
      }
      Files.setOwner(base, postgres);
    }
    EmbeddedPostgres pg = new EmbeddedPostgres(bin, base, root);
    try {
      pg.initdb();
      pg.startServer();
    } catch (IOException | RuntimeException e) {
      pg.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
    return pg;
  }

  /** A JDBC URL of a database on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Creates an empty database (lower-case letters, digits, underscores) and returns its URL. */
  public String createDatabase(String name) {
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("Database names here are [a-z_][a-z0-9_]*: " + name);
    }
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, null);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create database " + name, e);
    }
    return jdbcUrl(name);
  }

  public int port() {
    return port;
  }

  /** The temporary directory holding the cluster, its socket and its log. */
  public Path directory() {
    return base;
  }

  /** Kills the server ({@code pg_ctl stop -m immediate}) and deletes its files; idempotent. */
  @Override
  public synchronized void close() {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // the JVM is already exiting, or the hook was never added
    }
  }

  private synchronized void stopQuietly() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        run("stop", List.of(pg("pg_ctl"), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("EmbeddedPostgres: stopping failed: " + e.getMessage());
    }
    deleteTree(base);
  }

  private void initdb() throws IOException {
    run(
        "initdb",
        List.of(
            pg("initdb"),
            "-D",
            data.toString(),
            "-U",
            USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync"));
  }

  /** Starts on a free port; a port taken between choosing and binding it is retried. */
  private void startServer() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      port = freePort();
      String options =
          String.join(
              " ",
              "-p " + port,
              "-k " + base, // the Unix socket goes here, not to /var/run/postgresql
              "-c listen_addresses=127.0.0.1",
              // A test database need not survive a crash: skip the disk flushes.
              "-c fsync=off -c synchronous_commit=off -c full_page_writes=off");
      try {
        run(
            "start",
            List.of(
                pg("pg_ctl"),
                "-D",
                data.toString(),
                "-l",
                base.resolve("server.log").toString(),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start"));
        return;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private String pg(String program) {
    return bin.resolve(program).toString();
  }

  /** Runs a PostgreSQL program to completion (as the postgres user when we are root). */
  private void run(String step, List<String> command) throws IOException {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", USER, "--"));
    }
    full.addAll(command);
    Path output = Files.createTempFile("sluice-pg-" + step, ".out");
    try {
      // Output to a file, not a pipe: the server pg_ctl starts would inherit the pipe and keep it
      // open, so reading it to the end would wait for the server to exit.
      Process p =
          new ProcessBuilder(full)
              .directory(base.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!p.waitFor(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(step + " did not finish in " + STEP_TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        String log = Files.readString(output, StandardCharsets.UTF_8);
        Path serverLog = base.resolve("server.log");
        if (Files.exists(serverLog)) {
          log += "\n--- server.log ---\n" + Files.readString(serverLog, StandardCharsets.UTF_8);
        }
        throw new IOException(step + " failed (exit " + p.exitValue() + "): " + full + "\n" + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(step + " interrupted", e);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  /** Whether this runs under CI, where a missing PostgreSQL is a failure rather than a skip. */
  static boolean isCi() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isBlank() && !Arrays.asList("false", "0").contains(ci.strip());
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("EmbeddedPostgres: cannot delete " + root + ": " + e.getMessage());
    }
  }
}
