package dev.sluice.api;

import dev.sluice.config.StorageConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The agent API on a SQLite file, the default storage. */
class AgentApiSqliteTest extends AgentApiContract {
  @TempDir static Path dir;

  @Override
  protected StorageConfig database() {
    return new StorageConfig("jdbc:sqlite:" + dir.resolve("data/sluice.db"), null, null);
  }
}
