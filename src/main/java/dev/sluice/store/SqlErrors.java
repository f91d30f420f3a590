package dev.sluice.store;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Recognises constraint violations on both databases: PostgreSQL reports SQL states, sqlite-jdbc
 * only its own result codes. A failed batch may carry the real error as its next exception or
 * cause, so the whole chain is looked at.
 */
final class SqlErrors {
  private SqlErrors() {}

  static boolean isUniqueViolation(SQLException e) {
    return any(
        e,
        x ->
            "23505".equals(x.getSQLState())
                || resultCode(x) == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                || resultCode(x) == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
  }

  static boolean isForeignKeyViolation(SQLException e) {
    return any(
        e,
        x ->
            "23503".equals(x.getSQLState())
                || resultCode(x) == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY);
  }

  /**
   * A violation of {@code runs_one_running}, the one-running-run-per-session index. PostgreSQL
   * names the index; SQLite names its column, which no other unique constraint of {@code runs} has
   * alone.
   */
  static boolean isSessionBusy(SQLException e) {
    return isUniqueViolation(e)
        && any(
            e,
            x -> {
              String message = String.valueOf(x.getMessage());
              return message.contains("runs_one_running")
                  || (x instanceof SQLiteException && message.contains("runs.session_id"));
            });
  }

  private static SQLiteErrorCode resultCode(SQLException e) {
    return e instanceof SQLiteException s ? s.getResultCode() : null;
  }

  private static boolean any(SQLException e, java.util.function.Predicate<SQLException> test) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException x) {
        if (test.test(x)) {
          return true;
        }
        SQLException next = x.getNextException();
        if (next != null && next != x && test.test(next)) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
