package dev.sluice.config;

/**
 * The {@code storage:} section: where agent sessions are kept.
 *
 * @param url a JDBC URL: {@code jdbc:sqlite:data/sluice.db} (the default) or {@code
 *     jdbc:postgresql://host/db}
 * @param user may be null
 * @param password may be null; never logged
 */
public record StorageConfig(String url, String user, String password) {
  public static final String DEFAULT_URL = "jdbc:sqlite:data/sluice.db";

  public static StorageConfig defaults() {
    return new StorageConfig(DEFAULT_URL, null, null);
  }

  @Override
  public String toString() {
    return "StorageConfig[url=" + url + ", user=" + user + ", password=***]";
  }
}
