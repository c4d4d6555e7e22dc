package dev.fabrik.server.config;

import dev.fabrik.server.storage.postgres.PgDatabase;
import dev.fabrik.server.storage.postgres.PgUrl;
import java.util.Objects;

/**
 * Where the PostgreSQL store lives ({@code --storage postgres}). {@link #toString()} shows the URL
 * redacted, so logging a configuration never prints the database password.
 *
 * @param url the parsed database URL (credentials kept apart from the JDBC URL)
 * @param schema the schema this installation's tables live in, so several installations can share
 *     one database
 * @param poolSize most pooled connections this node opens; it also opens one direct connection for
 *     LISTEN, so a node uses {@code poolSize + 1} connections at most
 * @param durableAcks {@code [postgres] ack_commit = "sync"}: an ACK is answered only once its
 *     commit is flushed; false ("async", the default): once committed, without waiting for the
 *     flush (a database crash may forget the last ACKs, whose jobs then run again)
 */
public record DatabaseConfig(PgUrl url, String schema, int poolSize, boolean durableAcks) {

  /** With the default ACK commit (async). */
  public DatabaseConfig(PgUrl url, String schema, int poolSize) {
    this(url, schema, poolSize, false);
  }

  /** Pool size when none is configured: enough for group commit plus a few admin reads. */
  public static final int DEFAULT_POOL_SIZE = 10;

  public DatabaseConfig {
    Objects.requireNonNull(url, "url");
    PgDatabase.checkSchema(schema);
    if (poolSize < 1) {
      throw new IllegalArgumentException(
          "the database pool size must be at least 1, not " + poolSize);
    }
  }

  @Override
  public String toString() {
    return url.redacted()
        + ", schema "
        + schema
        + ", pool "
        + poolSize
        + (durableAcks ? ", ack_commit sync" : "");
  }
}
