package dev.fabrik.server.storage.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.fabrik.server.storage.StorageException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * One Fabrik installation in a PostgreSQL database: a pool of connections (HikariCP) and the schema
 * its tables live in. Every statement names its tables through {@link #sql}, which writes the
 * schema in ({@code {s}.jobs} becomes {@code fabrik.jobs}): no {@code search_path} is set on a
 * connection, so the store works behind PgBouncer in transaction mode.
 */
public final class PgDatabase implements AutoCloseable {

  /** The schema used when none is configured. */
  public static final String DEFAULT_SCHEMA = "fabrik";

  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

  private final PgUrl url;
  private final String schema;
  private final String nodeToken =
      Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() | 1L << 62);
  private final HikariDataSource pool;

  private PgDatabase(PgUrl url, String schema, HikariDataSource pool) {
    this.url = url;
    this.schema = schema;
    this.pool = pool;
  }

  /**
   * Opens a pool of at most {@code poolSize} connections and checks that one can be made.
   *
   * @throws IllegalArgumentException the schema name is not a plain lower-case identifier
   * @throws StorageException the database cannot be reached (the message names the redacted URL)
   */
  public static PgDatabase open(PgUrl url, String schema, int poolSize) {
    checkSchema(schema);
    HikariConfig config = new HikariConfig();
    config.setPoolName("fabrik-pg");
    config.setDriverClassName("org.postgresql.Driver");
    config.setJdbcUrl(url.jdbcUrl());
    if (url.user() != null) {
      config.setUsername(url.user());
    }
    if (url.password() != null) {
      config.setPassword(url.password());
    }
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(Math.min(2, poolSize));
    config.setConnectionTimeout(10_000);
    // Statements are prepared once per connection and reused (pgjdbc's server-side prepare).
    config.addDataSourceProperty("prepareThreshold", "1");
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty("ApplicationName", "fabrik");
    // Fail at start, with the cause, rather than on the first command.
    config.setInitializationFailTimeout(10_000);
    try {
      return new PgDatabase(url, schema, new HikariDataSource(config));
    } catch (RuntimeException e) {
      throw new StorageException(
          "cannot connect to PostgreSQL at " + url.redacted() + ": " + rootMessage(e), e);
    }
  }

  /** Refuses a schema name that would need quoting (it is written into SQL as it is). */
  public static String checkSchema(String schema) {
    if (schema == null || !SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "a schema name is 1-40 characters of a-z, 0-9 and _, not starting with a digit: "
              + schema);
    }
    return schema;
  }

  public String schema() {
    return schema;
  }

  public PgUrl url() {
    return url;
  }

  public DataSource dataSource() {
    return pool;
  }

  /** {@code template} with every {@code {s}} replaced by the schema name. */
  public String sql(String template) {
    return template.replace("{s}", schema);
  }

  /**
   * The NOTIFY channel on which a commit that made jobs fetchable names their queues (the {@code
   * jobs} table's trigger sends it; see V1__core.sql).
   */
  public String enqueuedChannel() {
    return schema + "_enqueued";
  }

  /**
   * The NOTIFY channel on which a commit that freed concurrency-limit slots names their queue (see
   * {@link PgSlotNotice}): FETCHes waiting on that queue on the other nodes look again.
   */
  public String slotsChannel() {
    return schema + "_slots";
  }

  /**
   * Tells this node's slot notices from the other nodes' (a random token per open database): a node
   * wakes its own waiters directly and ignores its own notices.
   */
  public String nodeToken() {
    return nodeToken;
  }

  /** A pooled connection (autocommit on); close it to give it back. */
  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /**
   * A connection of its own, outside the pool and never handed back: LISTEN must stay on one
   * session, which a transaction-mode PgBouncer does not give (point this at the database itself).
   */
  public Connection directConnection() throws SQLException {
    Properties p = new Properties();
    if (url.user() != null) {
      p.setProperty("user", url.user());
    }
    if (url.password() != null) {
      p.setProperty("password", url.password());
    }
    p.setProperty("ApplicationName", "fabrik-listen");
    return DriverManager.getConnection(url.jdbcUrl(), p);
  }

  @Override
  public void close() {
    pool.close();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
