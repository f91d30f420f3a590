package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Locale;

/** Column lists, parameter binding and row mapping shared by the store's queries. */
final class Rows {
  static final String SESSION_COLUMNS = "id, agent_id, user_id, name, created_at, updated_at";
  static final String RUN_COLUMNS =
      "id, session_id, agent_id, user_id, input, content, status, model, input_tokens,"
          + " output_tokens, time_to_first_token_ms, duration_ms, error, created_at";
  static final String MESSAGE_COLUMNS =
      "run_id, seq, role, content, tool_calls_json, tool_call_id, created_at";
  static final String TOOL_CALL_COLUMNS =
      "id, run_id, tool_name, arguments_json, result, error, duration_ms, created_at";

  private Rows() {}

  /**
   * Text as stored: U+0000 becomes U+FFFD on both databases, because PostgreSQL's text cannot hold
   * it (a tool's result may contain one) and both databases must give back the same thing.
   */
  static String text(String s) {
    return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
  }

  static void setText(PreparedStatement ps, int index, String value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, text(value));
    }
  }

  static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }

  static Session session(ResultSet rs) throws SQLException {
    return new Session(
        rs.getString("id"),
        rs.getString("agent_id"),
        rs.getString("user_id"),
        rs.getString("name"),
        rs.getLong("created_at"),
        rs.getLong("updated_at"));
  }

  static RunRecord run(ResultSet rs) throws SQLException {
    long ttft = rs.getLong("time_to_first_token_ms");
    Long timeToFirstToken = rs.wasNull() ? null : ttft;
    return new RunRecord(
        rs.getString("id"),
        rs.getString("session_id"),
        rs.getString("agent_id"),
        rs.getString("user_id"),
        rs.getString("input"),
        rs.getString("content"),
        RunStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
        rs.getString("model"),
        rs.getInt("input_tokens"),
        rs.getInt("output_tokens"),
        timeToFirstToken,
        rs.getLong("duration_ms"),
        rs.getString("error"),
        rs.getLong("created_at"));
  }

  static StoredMessage message(ResultSet rs) throws SQLException {
    return new StoredMessage(
        rs.getString("run_id"),
        rs.getInt("seq"),
        rs.getString("role"),
        rs.getString("content"),
        rs.getString("tool_calls_json"),
        rs.getString("tool_call_id"),
        rs.getLong("created_at"));
  }

  static ToolCallRecord toolCall(ResultSet rs) throws SQLException {
    return new ToolCallRecord(
        rs.getString("id"),
        rs.getString("run_id"),
        rs.getString("tool_name"),
        rs.getString("arguments_json"),
        rs.getString("result"),
        rs.getString("error"),
        rs.getLong("duration_ms"),
        rs.getLong("created_at"));
  }
}
