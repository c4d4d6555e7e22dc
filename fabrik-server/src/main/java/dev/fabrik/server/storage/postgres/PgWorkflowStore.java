package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.StorageException;
import dev.fabrik.server.storage.WorkflowRows;
import dev.fabrik.server.workflow.WorkflowRow;
import dev.fabrik.server.workflow.WorkflowState;
import dev.fabrik.server.workflow.WorkflowStore;
import dev.fabrik.server.workflow.WorkflowTx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Workflow rows and edges in {@code {s}.workflow_jobs} and {@code {s}.workflow_edges} (V6). A
 * transaction is one READ COMMITTED transaction of the database; {@link WorkflowTx#lock} is
 *
 * <pre>
 * SELECT ... FROM fabrik.workflow_jobs WHERE jid = ANY($1) ORDER BY jid FOR UPDATE
 * </pre>
 *
 * so two nodes deciding about one job (the ACK of a dependency on node A, the push of a dependent
 * on node B) take turns, and the later one reads the earlier one's committed row. Rows are locked
 * in jid order within a statement; a deadlock between transactions that lock in another order, or
 * two nodes inserting one jid at once, aborts one of them, which runs again from the start.
 */
final class PgWorkflowStore implements WorkflowStore {
  private static final int ATTEMPTS = 8;
  private static final Set<String> RETRIED = Set.of("40P01", "40001", "23505");
  private static final String COLUMNS =
      "jid, queue, payload, at_us, waiting, state, cause, dead_at_us, until_us";

  private final PgDatabase db;
  private final PgInserts inserts;
  private final BiConsumer<String, Integer> enqueued;

  PgWorkflowStore(PgDatabase db, PgInserts inserts, BiConsumer<String, Integer> enqueued) {
    this.db = db;
    this.inserts = inserts;
    this.enqueued = enqueued;
  }

  @Override
  public <T> T transaction(Function<WorkflowTx, T> work) {
    for (int attempt = 1; ; attempt++) {
      Map<String, Integer> added = new LinkedHashMap<>();
      try {
        T result =
            PgCalls.transaction(
                db,
                "a workflow transaction",
                c -> {
                  added.clear();
                  try {
                    return work.apply(new SqlTx(c, added));
                  } catch (Unchecked e) {
                    throw (SQLException) e.getCause();
                  }
                });
        added.forEach(this::tellEnqueued);
        return result;
      } catch (StorageException e) {
        if (attempt >= ATTEMPTS || !(e.getCause() instanceof SQLException s)) {
          throw e;
        }
        if (!RETRIED.contains(s.getSQLState())) {
          throw e;
        }
      }
    }
  }

  private void tellEnqueued(String queue, int count) {
    try {
      enqueued.accept(queue, count);
    } catch (RuntimeException e) {
      // committed; a missed local wake-up only delays a FETCH until the NOTIFY
    }
  }

  private static final class Unchecked extends RuntimeException {
    Unchecked(SQLException e) {
      super(e);
    }
  }

  @FunctionalInterface
  private interface Sql<T> {
    T run() throws SQLException;
  }

  private static <T> T sql(Sql<T> body) {
    try {
      return body.run();
    } catch (SQLException e) {
      throw new Unchecked(e);
    }
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private final class SqlTx implements WorkflowTx {
    private final Connection c;
    private final Map<String, Integer> added;

    SqlTx(Connection c, Map<String, Integer> added) {
      this.c = c;
      this.added = added;
    }

    /** Runs one statement of {@code template} with the parameters {@code binder} sets. */
    private void execute(String template, Binder binder) {
      sql(
          () -> {
            try (PreparedStatement ps = c.prepareStatement(db.sql(template))) {
              binder.bind(ps);
              return ps.executeUpdate();
            }
          });
    }

    @Override
    public Map<String, WorkflowRow> lock(Collection<String> jids) {
      return sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    db.sql(
                        "SELECT "
                            + COLUMNS
                            + " FROM {s}.workflow_jobs WHERE jid = ANY(?::text[])"
                            + " ORDER BY jid FOR UPDATE"))) {
              ps.setArray(1, c.createArrayOf("text", new TreeSet<>(jids).toArray()));
              Map<String, WorkflowRow> out = new HashMap<>();
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  WorkflowRow r = WorkflowRows.row(rs);
                  out.put(r.jid(), r);
                }
              }
              return out;
            }
          });
    }

    @Override
    public void insert(WorkflowRow row) {
      execute(
          "INSERT INTO {s}.workflow_jobs(" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          ps -> WorkflowRows.bind(ps, row));
    }

    /**
     * One statement for all rows of a PUSHB:
     *
     * <pre>
     * INSERT INTO fabrik.workflow_jobs(jid, queue, payload, at_us, waiting, state, cause,
     *     dead_at_us, until_us)
     *   SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::int8[], $5::int4[],
     *     $6::text[], $7::text[], $8::int8[], $9::int8[])
     * </pre>
     */
    @Override
    public void insertAll(List<WorkflowRow> rows) {
      if (rows.isEmpty()) {
        return;
      }
      PgWorkflowColumns columns = new PgWorkflowColumns(rows);
      execute(
          "INSERT INTO {s}.workflow_jobs("
              + COLUMNS
              + ") SELECT * FROM unnest(?::text[], ?::text[], ?::bytea[],"
              + " ?::int8[], ?::int4[], ?::text[], ?::text[], ?::int8[],"
              + " ?::int8[])",
          ps -> columns.bindAll(c, ps));
    }

    /**
     * One statement for the edges of all jobs of a PUSHB:
     *
     * <pre>
     * INSERT INTO fabrik.workflow_edges(dep, jid, resolved)
     *   SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[])
     * </pre>
     */
    @Override
    public void insertEdges(List<Edges> all) {
      List<String> deps = new ArrayList<>();
      List<String> jids = new ArrayList<>();
      List<Boolean> resolved = new ArrayList<>();
      for (Edges e : all) {
        for (String dep : e.deps()) {
          deps.add(dep);
          jids.add(e.jid());
          resolved.add(e.resolved().contains(dep));
        }
      }
      if (deps.isEmpty()) {
        return;
      }
      execute(
          "INSERT INTO {s}.workflow_edges(dep, jid, resolved)"
              + " SELECT * FROM unnest(?::text[], ?::text[], ?::boolean[])",
          ps -> {
            ps.setArray(1, c.createArrayOf("text", deps.toArray()));
            ps.setArray(2, c.createArrayOf("text", jids.toArray()));
            ps.setArray(3, c.createArrayOf("bool", resolved.toArray()));
          });
    }

    @Override
    public void update(WorkflowRow row) {
      execute(
          "UPDATE {s}.workflow_jobs SET jid = ?, queue = ?, payload = ?, at_us = ?,"
              + " waiting = ?, state = ?, cause = ?, dead_at_us = ?, until_us = ?"
              + " WHERE jid = ?",
          ps -> {
            WorkflowRows.bind(ps, row);
            ps.setString(10, row.jid());
          });
    }

    /**
     * One statement for all rows:
     *
     * <pre>
     * UPDATE fabrik.workflow_jobs w SET waiting = u.waiting, state = u.state, ...
     *   FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int8[], $6::int8[])
     *     AS u(jid, waiting, state, cause, dead_at_us, until_us)
     *  WHERE w.jid = u.jid
     * </pre>
     */
    @Override
    public void updateStates(Collection<WorkflowRow> rows) {
      if (rows.isEmpty()) {
        return;
      }
      PgWorkflowColumns columns = new PgWorkflowColumns(rows);
      execute(
          "UPDATE {s}.workflow_jobs w SET waiting = u.waiting, state = u.state,"
              + " cause = u.cause, dead_at_us = u.dead_at_us, until_us = u.until_us"
              + " FROM unnest(?::text[], ?::int4[], ?::text[], ?::text[],"
              + " ?::int8[], ?::int8[]) AS u(jid, waiting, state, cause, dead_at_us,"
              + " until_us) WHERE w.jid = u.jid",
          ps -> columns.bindStates(c, ps));
    }

    @Override
    public Map<String, List<String>> dependentsOf(Collection<String> deps) {
      return pairs(
          "SELECT dep, jid FROM {s}.workflow_edges WHERE dep = ANY(?::text[]) ORDER BY dep, jid",
          deps);
    }

    /** Through the edges' primary key, not a scan of the rows by cause (which has no index). */
    @Override
    public Set<String> causingBlocks(Collection<String> deps) {
      return pairs(
              "SELECT e.dep, e.jid FROM {s}.workflow_edges e JOIN {s}.workflow_jobs w"
                  + " ON w.jid = e.jid WHERE e.dep = ANY(?::text[]) AND w.state = 'blocked'"
                  + " AND w.cause = e.dep ORDER BY e.dep, e.jid",
              deps)
          .keySet();
    }

    /** (dep, jid) pairs of a query taking one text[] parameter, grouped by dep. */
    private Map<String, List<String>> pairs(String template, Collection<String> deps) {
      return sql(
          () -> {
            try (PreparedStatement ps = c.prepareStatement(db.sql(template))) {
              ps.setArray(1, c.createArrayOf("text", deps.toArray()));
              Map<String, List<String>> out = new TreeMap<>();
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
              }
              return out;
            }
          });
    }

    @Override
    public void insertEdges(String jid, List<String> deps, Collection<String> resolved) {
      insertEdges(List.of(new Edges(jid, deps, resolved)));
    }

    @Override
    public List<String> resolveEdgesFrom(String dep) {
      List<String> out =
          strings(
              c,
              "UPDATE {s}.workflow_edges SET resolved = true WHERE dep = ? AND NOT resolved"
                  + " RETURNING jid",
              dep);
      out.sort(null);
      return out;
    }

    @Override
    public List<String> unresolvedDependenciesOf(String jid) {
      return strings(
          c, "SELECT dep FROM {s}.workflow_edges WHERE jid = ? AND NOT resolved ORDER BY dep", jid);
    }

    @Override
    public List<String> dependentsOf(String dep) {
      return strings(c, "SELECT jid FROM {s}.workflow_edges WHERE dep = ? ORDER BY jid", dep);
    }

    @Override
    public void push(List<QueuedJob> jobs, List<SetEntry> entries) {
      sql(
          () -> {
            inserts.jobs(c, jobs);
            inserts.entries(c, entries);
            return null;
          });
      for (QueuedJob j : jobs) {
        added.merge(j.queue(), 1, Integer::sum);
      }
    }

    @Override
    public boolean deleteDead(Instant score, String jid) {
      return sql(
          () -> {
            // The oldest twin, as a key without sequence means everywhere.
            try (PreparedStatement ps =
                c.prepareStatement(
                    db.sql(
                        "DELETE FROM {s}.set_entries WHERE seq = (SELECT seq FROM {s}.set_entries"
                            + " WHERE set_name = 'dead' AND score_us = ? AND jid = ?"
                            + " ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)"))) {
              ps.setLong(1, PgTime.micros(score));
              ps.setString(2, jid);
              return ps.executeUpdate() == 1;
            }
          });
    }
  }

  private List<String> strings(Connection c, String template, String arg) {
    return sql(
        () -> {
          try (PreparedStatement ps = c.prepareStatement(db.sql(template))) {
            ps.setString(1, arg);
            return firstColumn(ps);
          }
        });
  }

  /** The first column of every row {@code ps} returns. */
  private static List<String> firstColumn(PreparedStatement ps) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private <T> T read(PgCalls.Body<T> body) {
    return PgCalls.autocommit(db, "reading workflows", body);
  }

  @Override
  public Optional<WorkflowRow> row(String jid) {
    return Optional.ofNullable(rows(List.of(jid)).get(jid));
  }

  @Override
  public Map<String, WorkflowRow> rows(Collection<String> jids) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  db.sql(
                      "SELECT "
                          + COLUMNS
                          + " FROM {s}.workflow_jobs WHERE jid = ANY(?::text[])"))) {
            ps.setArray(1, c.createArrayOf("text", jids.toArray()));
            Map<String, WorkflowRow> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                WorkflowRow r = WorkflowRows.row(rs);
                out.put(r.jid(), r);
              }
            }
            return out;
          }
        });
  }

  @Override
  public List<String> dependencies(String jid) {
    return read(
        c -> strings(c, "SELECT dep FROM {s}.workflow_edges WHERE jid = ? ORDER BY dep", jid));
  }

  @Override
  public List<String> dependents(String jid) {
    return read(
        c -> strings(c, "SELECT jid FROM {s}.workflow_edges WHERE dep = ? ORDER BY jid", jid));
  }

  @Override
  public List<WorkflowRow> list(WorkflowState state, String afterJid, int limit) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  db.sql(
                      "SELECT "
                          + COLUMNS
                          + " FROM {s}.workflow_jobs WHERE state = ? AND jid > ?"
                          + " ORDER BY jid LIMIT ?"))) {
            ps.setString(1, state.wire());
            ps.setString(2, afterJid);
            ps.setInt(3, limit);
            List<WorkflowRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(WorkflowRows.row(rs));
              }
            }
            return out;
          }
        });
  }

  @Override
  public long count(WorkflowState state) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  db.sql("SELECT count(*) FROM {s}.workflow_jobs WHERE state = ?"))) {
            ps.setString(1, state.wire());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  /**
   * ACTIVE rows whose jid is in no queue, reservation (both rows of {@code jobs}) or set, and not
   * discarded. Ready jobs have no index by jid, so this scans {@code jobs}: at start and after a
   * node was lost ({@code Workflows#recover}).
   */
  @Override
  public List<String> activeButAbsent(int limit) {
    return PgCalls.transaction(
        db,
        "finding ACKed workflow jobs",
        c -> {
          // The anti-join's estimate is one row, so with the LIMIT the planner picks a nested loop
          // that scans jobs once per ACTIVE row: measured 154 s on 500,000 queued jobs and 1,000
          // ACTIVE rows, 0.5 s with hash anti-joins. LOCAL: only this transaction.
          try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL enable_nestloop = off");
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  db.sql(
                      "SELECT w.jid FROM {s}.workflow_jobs w WHERE w.state = 'active'"
                          + " AND NOT EXISTS (SELECT 1 FROM {s}.jobs j WHERE j.jid = w.jid)"
                          + " AND NOT EXISTS (SELECT 1 FROM {s}.set_entries s WHERE s.jid = w.jid)"
                          + " AND NOT EXISTS (SELECT 1 FROM {s}.job_fates f WHERE f.jid = w.jid)"
                          + " ORDER BY w.jid LIMIT ?"))) {
            ps.setInt(1, limit);
            return firstColumn(ps);
          }
        });
  }

  /** ACTIVE rows whose jid is in the dead set or discarded (a scan, as activeButAbsent). */
  @Override
  public List<String> activeButDead(int limit) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  db.sql(
                      "SELECT w.jid FROM {s}.workflow_jobs w WHERE w.state = 'active'"
                          + " AND (EXISTS (SELECT 1 FROM {s}.set_entries s WHERE s.jid = w.jid"
                          + " AND s.set_name = 'dead')"
                          + " OR EXISTS (SELECT 1 FROM {s}.job_fates f WHERE f.jid = w.jid))"
                          + " ORDER BY w.jid LIMIT ?"))) {
            ps.setInt(1, limit);
            return firstColumn(ps);
          }
        });
  }

  /** SKIP LOCKED: purgers of several nodes take different rows and never wait on a release. */
  @Override
  public int purge(Instant now, int limit) {
    return PgCalls.transaction(
        db,
        "purging workflow rows",
        c -> {
          List<String> jids = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  db.sql(
                      "DELETE FROM {s}.workflow_jobs WHERE jid IN (SELECT jid FROM"
                          + " {s}.workflow_jobs WHERE until_us <= ? ORDER BY until_us LIMIT ?"
                          + " FOR UPDATE SKIP LOCKED) RETURNING jid"))) {
            ps.setLong(1, PgTime.micros(now));
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                jids.add(rs.getString(1));
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  db.sql("DELETE FROM {s}.workflow_edges WHERE jid = ANY(?::text[])"))) {
            ps.setArray(1, c.createArrayOf("text", jids.toArray()));
            ps.executeUpdate();
          }
          return jids.size();
        });
  }
}
