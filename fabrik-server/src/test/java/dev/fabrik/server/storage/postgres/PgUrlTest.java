package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgUrlTest {

  @Test
  void aLibpqUrlBecomesAJdbcUrlWithTheCredentialsApart() {
    PgUrl u = PgUrl.parse("postgres://app:s%40cret@db.example:6432/jobs?sslmode=require");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6432/jobs?sslmode=require");
    assertThat(u.user()).isEqualTo("app");
    assertThat(u.password()).isEqualTo("s@cret");
  }

  @Test
  void thePasswordIsNeverShown() {
    PgUrl u = PgUrl.parse("postgresql://app:hunter2@localhost/jobs");
    assertThat(u.toString()).doesNotContain("hunter2").contains("app");
    PgUrl j = PgUrl.parse("jdbc:postgresql://localhost/jobs?user=app&password=hunter2&ssl=true");
    assertThat(j.redacted()).doesNotContain("hunter2").contains("ssl=true");
  }

  @Test
  void otherUrlsAreRefusedWithoutQuotingThem() {
    assertThatThrownBy(() -> PgUrl.parse("mysql://root:hunter2@localhost/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("postgres://")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> PgUrl.parse("postgres://u:p@/x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
