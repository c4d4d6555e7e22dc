package dev.fabrik.it;

import static org.assertj.core.api.Assertions.fail;

import dev.fabrik.server.config.DatabaseConfig;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.storage.postgres.PgUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One PostgreSQL schema for one multi-node test: every node of the test is configured with it, and
 * closing drops it. The database is {@code FABRIK_TEST_DATABASE_URL} (dev/test starts one); these
 * tests fail without it, they never skip.
 */
final class PgSchema implements AutoCloseable {
  static final String ENV = "FABRIK_TEST_DATABASE_URL";

  /** Per node: few connections, so three nodes and the other tests fit the test cluster. */
  private static final int POOL_SIZE = 4;

  private static final AtomicLong NEXT = new AtomicLong();
  private static final String RUN = Long.toString(ProcessHandle.current().pid(), 36);

  private final String url;
  private final String name;

  private PgSchema(String url, String name) {
    this.url = url;
    this.name = name;
  }

  /** A schema name no other test uses; the schema itself is created by the first node's start. */
  static PgSchema fresh(String prefix) {
    String url = System.getenv(ENV);
    if (url == null || url.isBlank()) {
      fail(
          "the PostgreSQL end-to-end tests need a database: run dev/test (it starts one), or run"
              + " `dev/postgres start /tmp/fabrik-pg --fast` and export "
              + ENV
              + "=<the URL it prints>");
    }
    String name =
        (prefix + "_" + RUN + "_" + System.nanoTime() % 100_000 + "_" + NEXT.incrementAndGet())
            .toLowerCase(Locale.ROOT);
    return new PgSchema(url, name);
  }

  String name() {
    return name;
  }

  /** An in-process node's configuration: {@link InProcessServer#base()} on this schema. */
  ServerConfig.Builder node() {
    return InProcessServer.base()
        .storage("postgres")
        .database(new DatabaseConfig(PgUrl.parse(url), name, POOL_SIZE));
  }

  /** {@code fabrik server} flags for a node process on this schema. */
  List<String> flags() {
    return List.of(
        "--storage",
        "postgres",
        "--database-url",
        url,
        "--schema",
        name,
        "--database-pool-size",
        Integer.toString(POOL_SIZE));
  }

  /** Drops the schema and every row the test left. */
  @Override
  public void close() {
    PgUrl parsed = PgUrl.parse(url);
    Properties p = new Properties();
    if (parsed.user() != null) {
      p.setProperty("user", parsed.user());
    }
    if (parsed.password() != null) {
      p.setProperty("password", parsed.password());
    }
    try (Connection c = DriverManager.getConnection(parsed.jdbcUrl(), p);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("dropping schema " + name + ": " + e.getMessage(), e);
    }
  }
}
