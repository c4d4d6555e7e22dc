package dev.fabrik.server.storage.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The writer's view of the transaction in progress: cached statements, counter deltas written once
 * per commit, hooks to run after the commit, and the queues that received jobs (for listeners).
 * Used by the writer thread only.
 */
final class Tx {

  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final JobWrites jobs = new JobWrites(this::statement);
  private final Consumer<List<JobWrites.Row>> onJobsCommitted;
  private final List<Runnable> hooks = new ArrayList<>();
  private final Map<String, Integer> enqueued = new LinkedHashMap<>();
  private List<JobWrites.Row> inserted = new ArrayList<>();
  private long processed;
  private long failures;

  /**
   * @param onJobsCommitted told of inserted jobs, in order, once they committed
   */
  Tx(Connection connection, Consumer<List<JobWrites.Row>> onJobsCommitted) {
    this.connection = connection;
    this.onJobsCommitted = onJobsCommitted;
  }

  Connection connection() {
    return connection;
  }

  /**
   * A prepared statement kept for the life of the connection. Job inserts and deletes held back so
   * far are written first, so the statement sees them.
   */
  PreparedStatement prepare(String sql) throws SQLException {
    flushJobs();
    return statement(sql);
  }

  /**
   * A prepared statement on a table that job inserts and deletes never touch ({@code
   * unique_locks}): the job writes held back so far stay held, so they still go out in multi-row
   * statements.
   */
  PreparedStatement prepareBesideJobs(String sql) throws SQLException {
    return statement(sql);
  }

  private PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  /**
   * Inserts a job (written with others at the next flush); after the commit it is handed to the
   * {@code onJobsCommitted} consumer, in order with the other hooks.
   */
  void insertJob(JobWrites.Row row) {
    jobs.insert(row);
    inserted.add(row);
    enqueued.merge(row.queue(), 1, Integer::sum);
  }

  /** Deletes a job by row id (written with others at the next flush). */
  void deleteJob(long id) {
    jobs.delete(id);
  }

  /** Writes the held-back job inserts and deletes. */
  void flushJobs() throws SQLException {
    if (!jobs.isEmpty()) {
      jobs.flush();
    }
  }

  /** Runs {@code hook} after this transaction committed (never if it rolls back). */
  void onCommit(Runnable hook) {
    sealInserted();
    hooks.add(hook);
  }

  /** Turns the jobs inserted since the last hook into one hook, keeping the order of hooks. */
  private void sealInserted() {
    if (!inserted.isEmpty()) {
      List<JobWrites.Row> rows = inserted;
      inserted = new ArrayList<>();
      hooks.add(() -> onJobsCommitted.accept(rows));
    }
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
      PreparedStatement ps = prepare("UPDATE counters SET value = value + ? WHERE name = ?");
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
    sealInserted();
    return hooks;
  }

  Map<String, Integer> enqueuedQueues() {
    return enqueued;
  }

  /** Forgets everything of the transaction just finished (committed or rolled back). */
  void reset() {
    jobs.clear();
    inserted.clear();
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
