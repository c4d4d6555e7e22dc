package dev.fabrik.server.storage.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer's view of the transaction in progress: cached statements, counter deltas written once
 * per commit, hooks to run after the commit, and the queues that received jobs (for listeners).
 * Used by the writer thread only.
 */
final class Tx {

  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final List<Runnable> hooks = new ArrayList<>();
  private final Map<String, Integer> enqueued = new LinkedHashMap<>();
  private long processed;
  private long failures;

  Tx(Connection connection) {
    this.connection = connection;
  }

  Connection connection() {
    return connection;
  }

  /** A prepared statement kept for the life of the connection. */
  PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  /** Runs {@code hook} after this transaction committed (never if it rolls back). */
  void onCommit(Runnable hook) {
    hooks.add(hook);
  }

  void enqueued(String queue, int count) {
    enqueued.merge(queue, count, Integer::sum);
  }

  void count(long processedDelta, long failuresDelta) {
    processed += processedDelta;
    failures += failuresDelta;
  }

  /** Drops deltas gathered so far (FLUSH resets the counters themselves). */
  void resetCounts() {
    processed = 0;
    failures = 0;
  }

  /** Adds the counter deltas to the counters table; called just before commit. */
  void writeCounts() throws SQLException {
    if (processed != 0 || failures != 0) {
      PreparedStatement ps =
          prepare("UPDATE counters SET value = value + ? WHERE name = ?");
      ps.setLong(1, processed);
      ps.setString(2, "processed");
      ps.addBatch();
      ps.setLong(1, failures);
      ps.setString(2, "failures");
      ps.addBatch();
      ps.executeBatch();
    }
  }

  List<Runnable> hooks() {
    return hooks;
  }

  Map<String, Integer> enqueuedQueues() {
    return enqueued;
  }

  /** Forgets everything of the transaction just finished (committed or rolled back). */
  void reset() {
    hooks.clear();
    enqueued.clear();
    processed = 0;
    failures = 0;
  }

  void closeStatements() {
    for (PreparedStatement ps : statements.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    statements.clear();
  }
}
