package dev.fabrik.client;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Enqueues jobs inside the application's own PostgreSQL transaction, for a Fabrik server running
 * with {@code --storage postgres} on the same database: the job exists if and only if the
 * transaction commits. A rollback leaves nothing behind; a commit makes the job fetchable at once
 * by any Faktory client on any node (the FETCHes waiting there are woken by a NOTIFY sent at
 * COMMIT).
 *
 * <pre>{@code
 * try (Connection c = dataSource.getConnection()) {
 *   c.setAutoCommit(false);
 *   try (PreparedStatement s = c.prepareStatement("UPDATE orders SET paid = true WHERE id = ?")) {
 *     s.setLong(1, orderId);
 *     s.executeUpdate();
 *   }
 *   String jid = TransactionalEnqueue.push(c, Jobs.of("SendReceipt", orderId));
 *   c.commit(); // the receipt job exists only now, and only if the order was marked paid
 * }
 * }</pre>
 *
 * <p>It is a thin call of the SQL functions the server's schema provides, with the job as this
 * client serializes it for PUSH:
 *
 * <pre>
 * SELECT fabrik.push(?::jsonb)          -- → the jid
 * SELECT fabrik.push_bulk(?::jsonb)     -- a JSON array of jobs → their jids, all or none
 * </pre>
 *
 * The functions apply PUSH's checks and defaults, so a job the server would refuse raises an {@link
 * SQLException} (SQLSTATE {@code 22023}, with PUSH's message) and, as any failed statement does,
 * aborts the transaction. A unique job ({@code custom.unique_for}) claims its lock in the same
 * transaction; when another job holds it the call fails with SQLSTATE {@code 23505} ({@code
 * NOTUNIQUE Job not unique}). Tracked jobs get their record. The rare unique job whose arguments
 * the database cannot hash as the server does is refused with SQLSTATE {@code 0A000} (see
 * docs/transactional-enqueue.md). Only {@code java.sql} is used, so any JDBC driver for PostgreSQL
 * works; this class adds no dependency.
 *
 * <p>With auto-commit on, each call is its own transaction: the job is stored at once, which works
 * but gives up the point of this class.
 */
public final class TransactionalEnqueue {
  /** The schema a server uses unless started with {@code --schema}. */
  public static final String DEFAULT_SCHEMA = "fabrik";

  /** Schema names as the server writes them into its SQL: plain, unquoted identifiers. */
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

  private TransactionalEnqueue() {}

  /**
   * Enqueues {@code job} in {@code connection}'s current transaction, in the default schema.
   *
   * @return the job's jid
   * @throws SQLException the job was refused (SQLSTATE 22023, 23505 or 0A000) or the database
   *     failed
   */
  public static String push(Connection connection, Job job) throws SQLException {
    return push(connection, DEFAULT_SCHEMA, job);
  }

  /**
   * Enqueues {@code job} in {@code connection}'s current transaction, in the schema of a server
   * started with {@code --schema}.
   *
   * @return the job's jid
   * @throws SQLException the job was refused (SQLSTATE 22023, 23505 or 0A000) or the database
   *     failed
   */
  public static String push(Connection connection, String schema, Job job) throws SQLException {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(job, "job");
    try (PreparedStatement s = connection.prepareStatement(pushSql(schema))) {
      s.setString(1, JobCodec.encodeToString(job));
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException(checked(schema) + ".push returned no row");
        }
        return rs.getString(1);
      }
    }
  }

  /**
   * Enqueues {@code jobs} in {@code connection}'s current transaction, in the default schema, all
   * or none: a refused job raises, naming its position from 1 ({@code job 3: jobs must have a
   * jobtype parameter}), and stores nothing. No round trip for an empty list.
   *
   * @return the jobs' jids, in list order
   * @throws SQLException a job was refused (SQLSTATE 22023, 23505 or 0A000) or the database failed
   */
  public static List<String> pushBulk(Connection connection, List<Job> jobs) throws SQLException {
    return pushBulk(connection, DEFAULT_SCHEMA, jobs);
  }

  /**
   * {@link #pushBulk(Connection, List)} in the schema of a server started with {@code --schema}.
   *
   * @return the jobs' jids, in list order
   * @throws SQLException a job was refused (SQLSTATE 22023, 23505 or 0A000) or the database failed
   */
  public static List<String> pushBulk(Connection connection, String schema, List<Job> jobs)
      throws SQLException {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(jobs, "jobs");
    String sql = pushBulkSql(schema);
    if (jobs.isEmpty()) {
      return List.of();
    }
    try (PreparedStatement s = connection.prepareStatement(sql)) {
      s.setString(1, JobCodec.encodeArray(jobs));
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException(checked(schema) + ".push_bulk returned no row");
        }
        Array jids = rs.getArray(1);
        try {
          Object[] values = (Object[]) jids.getArray();
          return Arrays.stream(values).map(String.class::cast).toList();
        } finally {
          jids.free();
        }
      }
    }
  }

  /** {@code SELECT fabrik.push(?::jsonb)}: the parameter is sent as text and cast on the server. */
  static String pushSql(String schema) {
    return "SELECT " + checked(schema) + ".push(?::jsonb)";
  }

  static String pushBulkSql(String schema) {
    return "SELECT " + checked(schema) + ".push_bulk(?::jsonb)";
  }

  /**
   * The schema name goes into the SQL text (a function's schema cannot be a parameter), so only
   * names the server itself accepts get there: nothing a caller passes can change the statement.
   */
  private static String checked(String schema) {
    Objects.requireNonNull(schema, "schema");
    if (!SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "a schema name is 1-40 characters of a-z, 0-9 and _, not starting with a digit, got \""
              + schema
              + "\"");
    }
    return schema;
  }
}
