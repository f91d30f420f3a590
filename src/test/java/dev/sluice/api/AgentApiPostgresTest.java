package dev.sluice.api;

import dev.sluice.config.StorageConfig;
import dev.sluice.store.EmbeddedPostgres;

/**
 * The agent API on a fresh database of the shared PostgreSQL server: skipped locally without
 * PostgreSQL, failed under CI.
 */
class AgentApiPostgresTest extends AgentApiContract {
  @Override
  protected StorageConfig database() {
    EmbeddedPostgres postgres = EmbeddedPostgres.shared();
    return new StorageConfig(postgres.createDatabase("agent_api"), EmbeddedPostgres.USER, null);
  }
}
