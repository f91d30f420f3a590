package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a SQLite file (one per test class), plus what is SQLite's own. */
class SqliteSessionStoreTest extends SessionStoreContract {
  @TempDir static Path dir;

  private static Path file() {
    // A directory that does not exist yet: the store creates it, as it does for data/.
    return dir.resolve("nested/data/sluice.db");
  }

  @Override
  protected SessionStore openStore() {
    return JdbcSessionStore.open("jdbc:sqlite:" + file());
  }

  @Test
  void createsTheFileInWalModeWithTheSchema() throws Exception {
    assertThat(file()).exists();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
      try (ResultSet tables =
          s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
        StringBuilder names = new StringBuilder();
        while (tables.next()) {
          names.append(tables.getString(1)).append(' ');
        }
        assertThat(names.toString())
            .contains("sessions", "runs", "messages", "tool_calls", "flyway_schema_history");
      }
    }
  }

  @Test
  void anInMemoryDatabaseWorksToo() {
    try (SessionStore memory = JdbcSessionStore.open("jdbc:sqlite::memory:")) {
      memory.startRun(StoreFixtures.running("r", "s", "a", null, "hi", T0));
      assertThat(memory.run("r")).isPresent();
    }
  }

  @Test
  void aFileUriUrlCreatesItsDirectory(@TempDir Path other) throws Exception {
    Path db = other.resolve("deeper/x.db");
    try (SessionStore s = JdbcSessionStore.open("jdbc:sqlite:file:" + db + "?cache=private")) {
      assertThat(Files.isDirectory(db.getParent())).isTrue();
      assertThat(s.sessions(new SessionQuery(null, null, 10, 1)).total()).isZero();
    }
  }
}
