package dev.sluice.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConfig;

/**
 * Builds the connection pool for a storage URL: the one place that knows SQLite from PostgreSQL.
 */
final class StoreDataSource {
  /** The databases the store runs on. */
  enum Vendor {
    SQLITE,
    POSTGRESQL
  }

  private static final String SQLITE_PREFIX = "jdbc:sqlite:";
  private static final String POSTGRES_PREFIX = "jdbc:postgresql:";
  // `user:secret@` in a URL's authority, and `password=secret` (any *password) among its
  // parameters.
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?#]*):[^/@?#]*@");
  private static final Pattern PASSWORD_PARAM =
      Pattern.compile("(?i)([?&;][a-z_]*password=)[^&;#]*");

  private StoreDataSource() {}

  static Vendor vendor(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith(SQLITE_PREFIX)) {
      return Vendor.SQLITE;
    }
    if (lower.startsWith(POSTGRES_PREFIX)) {
      return Vendor.POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "Unsupported storage URL '"
            + redact(url)
            + "': use jdbc:sqlite:PATH (e.g. jdbc:sqlite:data/sluice.db) or"
            + " jdbc:postgresql://HOST:PORT/DATABASE.");
  }

  /** The URL with any password in it replaced by {@code ***}, fit for logs and error messages. */
  static String redact(String url) {
    String out = USER_INFO.matcher(url).replaceAll("$1:***@");
    return PASSWORD_PARAM.matcher(out).replaceAll("$1***");
  }

  /**
   * A started pool. SQLite gets a single connection: SQLite allows one writer at a time anyway, a
   * single connection never meets SQLITE_BUSY (nor the lock upgrades of concurrent deferred
   * transactions), and an in-memory database lives exactly as long as its connection. PostgreSQL
   * gets an ordinary pool.
   */
  static HikariDataSource create(String url, String user, String password) {
    Vendor vendor = vendor(url);
    HikariConfig config = new HikariConfig();
    config.setPoolName("sluice-store");
    config.setJdbcUrl(url);
    // Every store method is an explicit transaction that commits or rolls back.
    config.setAutoCommit(false);
    if (vendor == Vendor.SQLITE) {
      config.setDriverClassName("org.sqlite.JDBC");
      createParentDirectory(url);
      SQLiteConfig sqlite = new SQLiteConfig();
      // WAL: readers in other processes (the sqlite3 shell, backups) do not block the server.
      sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
      // NORMAL is crash-safe in WAL mode; only a power loss can lose the last commits.
      sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      sqlite.enforceForeignKeys(true);
      // Another process holding the write lock (a backup, the shell) is waited for, not an error.
      sqlite.setBusyTimeout(10_000);
      config.setDataSourceProperties(sqlite.toProperties());
      config.setMaximumPoolSize(1);
      config.setMinimumIdle(1);
      config.setMaxLifetime(0); // never recycle: it would drop an in-memory database
    } else {
      config.setDriverClassName("org.postgresql.Driver");
      config.setMaximumPoolSize(10);
      if (user != null && !user.isEmpty()) {
        config.setUsername(user);
      }
      if (password != null && !password.isEmpty()) {
        config.setPassword(password);
      }
    }
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException(
          "Cannot connect to the session store at " + redact(url) + ": " + rootMessage(e), e);
    }
  }

  /** SQLite creates the database file but not its directory; {@code data/} may not exist yet. */
  static void createParentDirectory(String url) {
    String path = url.substring(SQLITE_PREFIX.length());
    int query = path.indexOf('?');
    if (query >= 0) {
      if (path.substring(query).contains("mode=memory")) {
        return;
      }
      path = path.substring(0, query);
    }
    if (path.startsWith("file:")) {
      path = path.substring("file:".length());
      if (path.startsWith("//")) {
        path = path.substring(2); // file:///abs/path
      }
    }
    if (path.isEmpty() || path.startsWith(":memory:") || path.startsWith(":resource:")) {
      return;
    }
    Path parent = Path.of(path).toAbsolutePath().getParent();
    if (parent == null) {
      return;
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new StoreException("Cannot create the directory " + parent + " for " + path, e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
