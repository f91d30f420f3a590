package dev.sluice.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SessionStore} on a SQL database through JDBC: SQLite (a file, the default) or
 * PostgreSQL, chosen by the URL. Opening a store starts a connection pool, brings the schema up to
 * date with Flyway ({@code db/migration}) and marks runs left running by a previous process as
 * {@link RunStatus#ERROR}.
 *
 * <p>Thread-safe: each method is one transaction on a pooled connection and blocks until it ends.
 * The one-running-run-per-session rule is a unique partial index, so the database decides races
 * between concurrent {@link #startRun} calls, also between several processes on one PostgreSQL.
 * Several processes must not share one database while runs are in progress, though: opening a store
 * ends every running run of the database.
 *
 * <p>Runs are ordered within their session by a sequence number assigned on insert; tool calls
 * within their run likewise; messages by their own {@link StoredMessage#seq}. U+0000 characters are
 * stored as U+FFFD (PostgreSQL cannot store them).
 */
public final class JdbcSessionStore implements SessionStore {
  /** The default storage URL: a SQLite file under the working directory. */
  public static final String DEFAULT_URL = "jdbc:sqlite:data/sluice.db";

  static final String INTERRUPTED = "interrupted by a restart";
  private static final Logger log = LoggerFactory.getLogger(JdbcSessionStore.class);
  private static final int TOOL_CALL_ATTEMPTS = 25;

  private final HikariDataSource dataSource;
  private final String where;

  private JdbcSessionStore(HikariDataSource dataSource, String where) {
    this.dataSource = dataSource;
    this.where = where;
  }

  /** Opens a store on a URL that carries its own credentials, if any (SQLite needs none). */
  public static JdbcSessionStore open(String url) {
    return open(url, null, null);
  }

  /**
   * Opens a store: {@code jdbc:sqlite:PATH} (the file and its directory are created) or {@code
   * jdbc:postgresql://HOST:PORT/DATABASE} (the database must exist; the tables are created).
   *
   * @param user null or empty to use the URL's or the driver's default
   * @param password null or empty for none; never logged
   * @throws IllegalArgumentException for a URL of another database
   * @throws StoreException if the database cannot be reached or migrated
   */
  public static JdbcSessionStore open(String url, String user, String password) {
    Objects.requireNonNull(url, "url");
    String where = StoreDataSource.redact(url);
    HikariDataSource dataSource = StoreDataSource.create(url, user, password);
    try {
      migrate(dataSource, where);
      JdbcSessionStore store = new JdbcSessionStore(dataSource, where);
      store.endInterruptedRuns();
      log.info("Session store at {}", where);
      return store;
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  private static void migrate(HikariDataSource dataSource, String where) {
    try {
      Flyway.configure(JdbcSessionStore.class.getClassLoader())
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new StoreException(
          "Cannot migrate the session store at " + where + ": " + StoreDataSource.rootMessage(e),
          e);
    }
  }

  private void endInterruptedRuns() {
    int ended = tx(c -> Writes.endInterruptedRuns(c, INTERRUPTED));
    if (ended > 0) {
      log.warn("Marked {} run(s) left running by an earlier process as error", ended);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The run is stored as RUNNING whatever {@code run.status()} says. A new session takes the
   * run's agent, user and time, and is named after its input; an existing one keeps them and only
   * moves its {@code updatedAt} forward.
   *
   * @throws IllegalArgumentException if a run with this id already exists
   */
  @Override
  public void startRun(RunRecord run) {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(run.id(), "run.id");
    Objects.requireNonNull(run.sessionId(), "run.sessionId");
    Objects.requireNonNull(run.agentId(), "run.agentId");
    tx(c -> unit(() -> Writes.startRun(c, run)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>All or none of the messages are stored.
   *
   * @throws IllegalStateException if their run does not exist
   * @throws IllegalArgumentException if a message with the same run and seq exists
   */
  @Override
  public void addMessages(List<StoredMessage> messages) {
    if (!messages.isEmpty()) {
      tx(c -> unit(() -> Writes.addMessages(c, messages)));
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Calls of one run may be recorded from several threads at once; they are listed in the order
   * their records committed.
   *
   * @throws IllegalStateException if its run does not exist
   */
  @Override
  public void addToolCall(ToolCallRecord call) {
    Objects.requireNonNull(call, "call");
    // On PostgreSQL two concurrent inserts may pick the same next seq; the later one fails on the
    // primary key and is retried in a new transaction, after the first has committed.
    for (int attempt = 1; ; attempt++) {
      try {
        tx(c -> unit(() -> Writes.addToolCall(c, call)));
        return;
      } catch (Writes.SeqTaken e) {
        if (attempt == TOOL_CALL_ATTEMPTS) {
          throw new StoreException("Cannot record tool call '" + call.id() + "'", e.getCause());
        }
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The session's {@code updatedAt} becomes the run's end: its start plus {@code durationMs}.
   *
   * @throws IllegalArgumentException if {@code run.status()} is null or RUNNING
   * @throws IllegalStateException if the run does not exist (e.g. its session was deleted)
   */
  @Override
  public void finishRun(RunRecord run) {
    Objects.requireNonNull(run, "run");
    if (run.status() == null || run.status() == RunStatus.RUNNING) {
      throw new IllegalArgumentException(
          "A run ends as completed, error or cancelled, not " + run.status());
    }
    tx(c -> unit(() -> Writes.finishRun(c, run)));
  }

  @Override
  public Optional<Session> session(String sessionId) {
    return tx(
        c ->
            Queries.list(
                    c,
                    "SELECT " + Rows.SESSION_COLUMNS + " FROM sessions WHERE id = ?",
                    Rows::session,
                    sessionId)
                .stream()
                .findFirst());
  }

  @Override
  public SessionPage sessions(SessionQuery query) {
    return tx(c -> Queries.sessions(c, query));
  }

  @Override
  public List<RunRecord> runs(String sessionId) {
    return tx(
        c ->
            Queries.list(
                c,
                "SELECT " + Rows.RUN_COLUMNS + " FROM runs WHERE session_id = ? ORDER BY seq",
                Rows::run,
                sessionId));
  }

  @Override
  public Optional<RunRecord> run(String runId) {
    return tx(
        c ->
            Queries.list(
                    c, "SELECT " + Rows.RUN_COLUMNS + " FROM runs WHERE id = ?", Rows::run, runId)
                .stream()
                .findFirst());
  }

  @Override
  public List<StoredMessage> messages(String runId) {
    return tx(
        c ->
            Queries.list(
                c,
                "SELECT " + Rows.MESSAGE_COLUMNS + " FROM messages WHERE run_id = ? ORDER BY seq",
                Rows::message,
                runId));
  }

  @Override
  public List<ToolCallRecord> toolCalls(String runId) {
    return tx(
        c ->
            Queries.list(
                c,
                "SELECT "
                    + Rows.TOOL_CALL_COLUMNS
                    + " FROM tool_calls WHERE run_id = ? ORDER BY seq",
                Rows::toolCall,
                runId));
  }

  @Override
  public List<StoredMessage> history(String sessionId, int runs) {
    if (runs <= 0) {
      return List.of();
    }
    return tx(c -> Queries.history(c, sessionId, runs));
  }

  @Override
  public boolean deleteSession(String sessionId) {
    return tx(c -> Writes.deleteSession(c, sessionId));
  }

  /** Closes the pool; idempotent. Calls made after it fail with {@link StoreException}. */
  @Override
  public void close() {
    dataSource.close();
  }

  /** A write that returns nothing. */
  @FunctionalInterface
  private interface Action {
    void run() throws SQLException;
  }

  private static Void unit(Action action) throws SQLException {
    action.run();
    return null;
  }

  /** A unit of work on one connection, inside one transaction. */
  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction: commits if it returns, rolls back if it throws. Exceptions
   * it throws on purpose (busy, bad argument) pass through; database failures become {@link
   * StoreException}.
   *
   * <p>A cancelled run's thread is interrupted and must still record how the run ended, but an
   * interrupted thread gets no connection from the pool (and on a virtual thread would close the
   * socket of one in use): the interrupt is set aside for the transaction and restored after it.
   */
  private <T> T tx(Work<T> work) {
    boolean interrupted = Thread.interrupted();
    try (Connection c = dataSource.getConnection()) {
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("Session store at " + where + " failed: " + e.getMessage(), e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
