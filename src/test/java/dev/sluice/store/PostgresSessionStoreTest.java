package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL server that this class starts and stops (see {@link
 * EmbeddedPostgres}): skipped locally without PostgreSQL, failed under CI.
 */
class PostgresSessionStoreTest extends SessionStoreContract {
  private static EmbeddedPostgres postgres;
  private static String url;

  @BeforeAll
  static void startPostgres() {
    postgres = EmbeddedPostgres.startForTests();
    url = postgres.createDatabase("store_contract");
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected SessionStore openStore() {
    return JdbcSessionStore.open(url, EmbeddedPostgres.USER, null);
  }

  @Test
  void aSecondStoreOnTheSameDatabaseSeesTheSameRule() {
    // Two processes on one database: the busy rule is the database's, not the process's.
    try (SessionStore other = openStore()) {
      store.startRun(StoreFixtures.running(id("r1"), id("s"), id("agent"), null, "one", T0));
      assertThatThrownBy(
              () ->
                  other.startRun(
                      StoreFixtures.running(id("r2"), id("s"), id("agent"), null, "two", T0)))
          .isInstanceOf(SessionBusyException.class);
      assertThat(other.run(id("r1"))).isPresent();
    }
  }
}
