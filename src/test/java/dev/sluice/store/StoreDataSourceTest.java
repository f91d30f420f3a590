package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoreDataSourceTest {
  @Test
  void choosesTheDatabaseByUrl() {
    assertThat(StoreDataSource.vendor("jdbc:sqlite:data/sluice.db"))
        .isEqualTo(StoreDataSource.Vendor.SQLITE);
    assertThat(StoreDataSource.vendor("jdbc:postgresql://db:5432/sluice"))
        .isEqualTo(StoreDataSource.Vendor.POSTGRESQL);
    assertThatThrownBy(() -> JdbcSessionStore.open("jdbc:mysql://u:pw@db/x?password=pw"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:sqlite:")
        .hasMessageContaining("jdbc:postgresql:")
        .hasMessageNotContaining("pw@")
        .hasMessageNotContaining("=pw");
  }

  @Test
  void redactsPasswordsInUrls() {
    assertThat(StoreDataSource.redact("jdbc:postgresql://bob:hunter2@db:5432/sluice"))
        .isEqualTo("jdbc:postgresql://bob:***@db:5432/sluice");
    assertThat(
            StoreDataSource.redact(
                "jdbc:postgresql://db/sluice?user=bob&password=hunter2&ssl=true&sslpassword=k"))
        .isEqualTo("jdbc:postgresql://db/sluice?user=bob&password=***&ssl=true&sslpassword=***");
    assertThat(StoreDataSource.redact("jdbc:postgresql://db/s?PASSWORD=x;foo=1"))
        .isEqualTo("jdbc:postgresql://db/s?PASSWORD=***;foo=1");
    assertThat(StoreDataSource.redact("jdbc:sqlite:data/sluice.db"))
        .isEqualTo("jdbc:sqlite:data/sluice.db");
  }

  @Test
  void anUnreachableServerIsAClearErrorWithoutThePassword() {
    String url = "jdbc:postgresql://127.0.0.1:1/nowhere?password=hunter2";
    assertThatThrownBy(() -> JdbcSessionStore.open(url, "someone", "s3cret"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("127.0.0.1:1/nowhere")
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("s3cret");
  }
}
