package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/** The store's writes, each run inside the caller's transaction. */
final class Writes {
  private Writes() {}

  /** Thrown when a concurrent insert took a tool call's seq; the caller retries. */
  static final class SeqTaken extends RuntimeException {
    SeqTaken(SQLException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  static int endInterruptedRuns(Connection c, String reason) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE runs SET status = 'error', error = ? WHERE status = 'running'")) {
      ps.setString(1, reason);
      return ps.executeUpdate();
    }
  }

  static void startRun(Connection c, RunRecord run) throws SQLException {
    // Creating the session, or locking its row to move updated_at, comes first: two starts on one
    // session then queue on that row and the second meets the first's run in runs_one_running.
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO sessions ("
                + Rows.SESSION_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET updated_at ="
                + " CASE WHEN excluded.updated_at > sessions.updated_at"
                + " THEN excluded.updated_at ELSE sessions.updated_at END")) {
      Rows.setText(ps, 1, run.sessionId());
      Rows.setText(ps, 2, run.agentId());
      Rows.setText(ps, 3, run.userId());
      Rows.setText(ps, 4, SessionNames.of(run.input()));
      ps.setLong(5, run.createdAt());
      ps.setLong(6, run.createdAt());
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO runs (seq, "
                + Rows.RUN_COLUMNS
                + ") SELECT COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?,"
                + " ?, ?, ?, ? FROM runs WHERE session_id = ?")) {
      Rows.setText(ps, 1, run.id());
      Rows.setText(ps, 2, run.sessionId());
      Rows.setText(ps, 3, run.agentId());
      Rows.setText(ps, 4, run.userId());
      Rows.setText(ps, 5, Objects.requireNonNullElse(run.input(), ""));
      Rows.setText(ps, 6, Objects.requireNonNullElse(run.content(), ""));
      Rows.setText(ps, 7, run.model());
      ps.setInt(8, run.inputTokens());
      ps.setInt(9, run.outputTokens());
      Rows.setLong(ps, 10, run.timeToFirstTokenMs());
      ps.setLong(11, run.durationMs());
      Rows.setText(ps, 12, run.error());
      ps.setLong(13, run.createdAt());
      Rows.setText(ps, 14, run.sessionId());
      ps.executeUpdate();
    } catch (SQLException e) {
      if (SqlErrors.isSessionBusy(e)) {
        throw new SessionBusyException(run.sessionId());
      }
      if (SqlErrors.isUniqueViolation(e)) {
        throw new IllegalArgumentException("A run with id '" + run.id() + "' exists.", e);
      }
      throw e;
    }
  }

  static void addMessages(Connection c, List<StoredMessage> messages) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO messages (" + Rows.MESSAGE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (StoredMessage m : messages) {
        Rows.setText(ps, 1, m.runId());
        ps.setInt(2, m.seq());
        Rows.setText(ps, 3, m.role());
        Rows.setText(ps, 4, m.content());
        Rows.setText(ps, 5, m.toolCallsJson());
        Rows.setText(ps, 6, m.toolCallId());
        ps.setLong(7, m.createdAt());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw rejected(e, "messages of run '" + messages.getFirst().runId() + "'");
    }
  }

  /** Appends a tool call as its run's next; throws {@link SeqTaken} on a lost race for the seq. */
  static void addToolCall(Connection c, ToolCallRecord call) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO tool_calls (seq, "
                + Rows.TOOL_CALL_COLUMNS
                + ") SELECT COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ? FROM tool_calls"
                + " WHERE run_id = ?")) {
      Rows.setText(ps, 1, call.id());
      Rows.setText(ps, 2, call.runId());
      Rows.setText(ps, 3, call.toolName());
      Rows.setText(ps, 4, call.argumentsJson());
      Rows.setText(ps, 5, call.result());
      Rows.setText(ps, 6, call.error());
      ps.setLong(7, call.durationMs());
      ps.setLong(8, call.createdAt());
      Rows.setText(ps, 9, call.runId());
      ps.executeUpdate();
    } catch (SQLException e) {
      if (SqlErrors.isUniqueViolation(e)) {
        throw new SeqTaken(e);
      }
      throw rejected(e, "tool call '" + call.id() + "'");
    }
  }

  static void finishRun(Connection c, RunRecord run) throws SQLException {
    String sessionId;
    long endedAt;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT session_id, created_at FROM runs WHERE id = ?")) {
      Rows.setText(ps, 1, run.id());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("Cannot finish run '" + run.id() + "': " + MISSING_RUN);
        }
        sessionId = rs.getString(1);
        endedAt = rs.getLong(2) + run.durationMs() / 1000;
      }
    }
    // The session row before the run's, as in startRun: with one lock order, a run finishing
    // while the session's next one starts cannot deadlock on PostgreSQL.
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE sessions SET updated_at = ? WHERE id = ? AND updated_at < ?")) {
      ps.setLong(1, endedAt);
      ps.setString(2, sessionId);
      ps.setLong(3, endedAt);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE runs SET content = ?, status = ?, model = ?, input_tokens = ?,"
                + " output_tokens = ?, time_to_first_token_ms = ?, duration_ms = ?, error = ?"
                + " WHERE id = ?")) {
      Rows.setText(ps, 1, Objects.requireNonNullElse(run.content(), ""));
      ps.setString(2, run.status().wireName());
      Rows.setText(ps, 3, run.model());
      ps.setInt(4, run.inputTokens());
      ps.setInt(5, run.outputTokens());
      Rows.setLong(ps, 6, run.timeToFirstTokenMs());
      ps.setLong(7, run.durationMs());
      Rows.setText(ps, 8, run.error());
      Rows.setText(ps, 9, run.id());
      ps.executeUpdate();
    }
  }

  static boolean deleteSession(Connection c, String sessionId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE id = ?")) {
      Rows.setText(ps, 1, sessionId);
      return ps.executeUpdate() > 0;
    }
  }

  private static final String MISSING_RUN = "no such run (was its session deleted?)";

  private static RuntimeException rejected(SQLException e, String what) {
    if (SqlErrors.isForeignKeyViolation(e)) {
      return new IllegalStateException("Cannot store the " + what + ": " + MISSING_RUN, e);
    }
    if (SqlErrors.isUniqueViolation(e)) {
      return new IllegalArgumentException("Cannot store the " + what + ": it exists already.", e);
    }
    return new StoreException("Cannot store the " + what + ": " + e.getMessage(), e);
  }
}
