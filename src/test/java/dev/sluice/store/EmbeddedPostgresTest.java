package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class EmbeddedPostgresTest {
  @Test
  void aMissingServerFailsUnderCiAndIsSkippedElsewhere() {
    assertThatThrownBy(() -> EmbeddedPostgres.missing("not installed", true))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("CI must run the PostgreSQL tests")
        .hasMessageContaining("not installed");
    assertThatThrownBy(() -> EmbeddedPostgres.missing("not installed", false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("not installed");
  }

  @Test
  void theSharedServerIsStartedOnce() {
    EmbeddedPostgres shared = EmbeddedPostgres.shared();
    assertThat(EmbeddedPostgres.shared()).isSameAs(shared);
    assertThat(shared.createDatabase("shared_a")).isNotEqualTo(shared.createDatabase("shared_b"));
  }

  @Test
  void startsServesDatabasesAndCleansUp() throws Exception {
    Path dir;
    int port;
    try (EmbeddedPostgres postgres = EmbeddedPostgres.startForTests()) {
      port = postgres.port();
      String url = postgres.createDatabase("lifecycle");
      try (Connection c = DriverManager.getConnection(url, EmbeddedPostgres.USER, null);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SHOW server_encoding")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("UTF8");
      }
      dir = postgres.directory();
      assertThat(dir).isDirectory();
    }
    assertThat(Files.exists(dir)).isFalse();
    assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 1000))
        .isInstanceOf(ConnectException.class);
  }
}
