package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The store's reads that take more than one line of SQL. */
final class Queries {
  static final int MAX_PAGE_SIZE = 100;

  private Queries() {}

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Runs a query whose parameters are all text, mapping every row. */
  static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, String... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        Rows.setText(ps, i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(mapper.map(rs));
        }
        return out;
      }
    }
  }

  /** One page, newest first (ties by id, so that pages neither overlap nor skip), and the total. */
  static SessionPage sessions(Connection c, SessionQuery query) throws SQLException {
    if (query.limit() < 1 || query.limit() > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "limit must be 1.." + MAX_PAGE_SIZE + ", was " + query.limit());
    }
    if (query.page() < 1) {
      throw new IllegalArgumentException("page starts at 1, was " + query.page());
    }
    List<String> params = new ArrayList<>();
    StringBuilder filter = new StringBuilder(" WHERE 1 = 1");
    if (query.agentId() != null) {
      filter.append(" AND agent_id = ?");
      params.add(query.agentId());
    }
    if (query.userId() != null) {
      filter.append(" AND user_id = ?");
      params.add(query.userId());
    }
    String[] args = params.toArray(String[]::new);
    long total =
        list(c, "SELECT COUNT(*) FROM sessions" + filter, rs -> rs.getLong(1), args).getFirst();
    long offset = (long) (query.page() - 1) * query.limit();
    List<Session> sessions =
        list(
            c,
            "SELECT "
                + Rows.SESSION_COLUMNS
                + " FROM sessions"
                + filter
                + " ORDER BY updated_at DESC, id DESC LIMIT "
                + query.limit()
                + " OFFSET "
                + offset,
            Rows::session,
            args);
    return new SessionPage(sessions, total);
  }

  /**
   * The messages of the session's last {@code runs} completed runs: runs oldest first, each run's
   * messages in their order. Runs that failed or were cancelled are left out, so a broken exchange
   * is not replayed into the next run.
   */
  static List<StoredMessage> history(Connection c, String sessionId, int runs) throws SQLException {
    String sql =
        "SELECT m.run_id, m.seq, m.role, m.content, m.tool_calls_json, m.tool_call_id,"
            + " m.created_at FROM messages m JOIN (SELECT id, seq FROM runs WHERE session_id = ?"
            + " AND status = 'completed' ORDER BY seq DESC LIMIT "
            + runs
            + ") r ON m.run_id = r.id ORDER BY r.seq, m.seq";
    return list(c, sql, Rows::message, sessionId);
  }
}
