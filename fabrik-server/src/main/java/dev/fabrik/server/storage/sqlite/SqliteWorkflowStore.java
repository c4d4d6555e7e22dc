package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Workflow rows and edges in two tables of the store's database; a transaction is one {@link
 * WriteOp} of the writer, so a release (the row's update and the job's insert) commits as one. The
 * writer is the only writer, so "locking" a row is reading it. Instants are epoch microseconds.
 *
 * <pre>
 * workflow_jobs(jid PK, queue, payload, at, waiting, state, cause, dead_at, until)
 * workflow_edges(dep, jid, resolved)  PK (dep, jid) WITHOUT ROWID, index on jid
 * </pre>
 */
final class SqliteWorkflowStore implements WorkflowStore {

  static final String[] DDL = {
    "CREATE TABLE IF NOT EXISTS workflow_jobs(jid TEXT PRIMARY KEY, queue TEXT NOT NULL,"
        + " payload BLOB NOT NULL, at INTEGER, waiting INTEGER NOT NULL, state TEXT NOT NULL,"
        + " cause TEXT, dead_at INTEGER, until INTEGER)",
    "CREATE INDEX IF NOT EXISTS workflow_jobs_state ON workflow_jobs(state, jid)",
    "CREATE TABLE IF NOT EXISTS workflow_edges(dep TEXT NOT NULL, jid TEXT NOT NULL,"
        + " resolved INTEGER NOT NULL, PRIMARY KEY (dep, jid)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS workflow_edges_jid ON workflow_edges(jid, dep)",
  };

  static final List<String> TABLES = List.of("workflow_jobs", "workflow_edges");

  private static final String COLUMNS =
      "jid, queue, payload, at, waiting, state, cause, dead_at, until";

  /** The store's own writes, run inside the workflow transaction. */
  interface Jobs {
    WriteOp<Void> push(List<QueuedJob> jobs, List<SetEntry> entries);

    boolean deleteDead(Tx tx, Instant score, String jid) throws SQLException;
  }

  private final GroupCommitWriter writer;
  private final ReaderPool readers;
  private final Jobs jobs;

  SqliteWorkflowStore(GroupCommitWriter writer, ReaderPool readers, Jobs jobs) {
    this.writer = writer;
    this.readers = readers;
    this.jobs = jobs;
  }

  static void createTables(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String ddl : DDL) {
        s.execute(ddl);
      }
    }
  }

  @Override
  public <T> T transaction(Function<WorkflowTx, T> work) {
    // The SQLException goes back to the writer as itself, so a full disk is reported as such.
    return writer.write(
        tx -> {
          try {
            return work.apply(new SqlTx(tx));
          } catch (Unchecked e) {
            throw (SQLException) e.getCause();
          }
        },
        8,
        0);
  }

  /** An SQLException thrown through {@link WorkflowTx}, whose methods declare none. */
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

  private final class SqlTx implements WorkflowTx {
    private final Tx tx;

    SqlTx(Tx tx) {
      this.tx = tx;
    }

    @Override
    public Map<String, WorkflowRow> lock(Collection<String> jids) {
      return sql(
          () -> {
            PreparedStatement ps =
                tx.prepare("SELECT " + COLUMNS + " FROM workflow_jobs WHERE jid = ?");
            Map<String, WorkflowRow> out = new HashMap<>();
            for (String jid : jids) {
              ps.setString(1, jid);
              try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                  out.put(jid, WorkflowRows.row(rs));
                }
              }
            }
            return out;
          });
    }

    @Override
    public void insert(WorkflowRow row) {
      sql(
          () -> {
            PreparedStatement ps =
                tx.prepare(
                    "INSERT INTO workflow_jobs("
                        + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
            WorkflowRows.bind(ps, row);
            return ps.executeUpdate();
          });
    }

    @Override
    public void update(WorkflowRow row) {
      sql(
          () -> {
            PreparedStatement ps =
                tx.prepare(
                    "UPDATE workflow_jobs SET jid = ?, queue = ?, payload = ?, at = ?, waiting = ?,"
                        + " state = ?, cause = ?, dead_at = ?, until = ? WHERE jid = ?");
            WorkflowRows.bind(ps, row);
            ps.setString(10, row.jid());
            return ps.executeUpdate();
          });
    }

    @Override
    public void insertEdges(String jid, List<String> deps, Collection<String> resolved) {
      sql(
          () -> {
            PreparedStatement ps =
                tx.prepare("INSERT INTO workflow_edges(dep, jid, resolved) VALUES (?, ?, ?)");
            for (String dep : deps) {
              ps.setString(1, dep);
              ps.setString(2, jid);
              ps.setInt(3, resolved.contains(dep) ? 1 : 0);
              ps.executeUpdate();
            }
            return null;
          });
    }

    @Override
    public List<String> resolveEdgesFrom(String dep) {
      return sql(
          () -> {
            PreparedStatement ps =
                tx.prepare(
                    "UPDATE workflow_edges SET resolved = 1 WHERE dep = ? AND resolved = 0"
                        + " RETURNING jid");
            ps.setString(1, dep);
            List<String> out = strings(ps);
            out.sort(null);
            return out;
          });
    }

    @Override
    public List<String> unresolvedDependenciesOf(String jid) {
      return sql(
          () -> {
            PreparedStatement ps =
                tx.prepare(
                    "SELECT dep FROM workflow_edges WHERE jid = ? AND resolved = 0 ORDER BY dep");
            ps.setString(1, jid);
            return strings(ps);
          });
    }

    @Override
    public List<String> dependentsOf(String dep) {
      return sql(
          () -> {
            PreparedStatement ps =
                tx.prepare("SELECT jid FROM workflow_edges WHERE dep = ? ORDER BY jid");
            ps.setString(1, dep);
            return strings(ps);
          });
    }

    @Override
    public void push(List<QueuedJob> queued, List<SetEntry> entries) {
      if (!queued.isEmpty() || !entries.isEmpty()) {
        sql(() -> jobs.push(queued, entries).apply(tx));
      }
    }

    @Override
    public boolean deleteDead(Instant score, String jid) {
      return sql(() -> jobs.deleteDead(tx, score, jid));
    }
  }

  private static List<String> strings(PreparedStatement ps) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Override
  public Optional<WorkflowRow> row(String jid) {
    return Optional.ofNullable(rows(List.of(jid)).get(jid));
  }

  @Override
  public Map<String, WorkflowRow> rows(Collection<String> jids) {
    return readers.read(
        c -> {
          Map<String, WorkflowRow> out = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM workflow_jobs WHERE jid = ?")) {
            for (String jid : jids) {
              ps.setString(1, jid);
              try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                  out.put(jid, WorkflowRows.row(rs));
                }
              }
            }
          }
          return out;
        });
  }

  @Override
  public List<String> dependencies(String jid) {
    return readStrings("SELECT dep FROM workflow_edges WHERE jid = ? ORDER BY dep", jid);
  }

  @Override
  public List<String> dependents(String jid) {
    return readStrings("SELECT jid FROM workflow_edges WHERE dep = ? ORDER BY jid", jid);
  }

  private List<String> readStrings(String query, String arg) {
    return readers.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, arg);
            return strings(ps);
          }
        });
  }

  @Override
  public List<WorkflowRow> list(WorkflowState state, String afterJid, int limit) {
    return readers.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM workflow_jobs WHERE state = ? AND jid > ? ORDER BY jid LIMIT ?")) {
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
    return readers.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT count(*) FROM workflow_jobs WHERE state = ?")) {
            ps.setString(1, state.wire());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  /**
   * ACTIVE rows whose jid is in no queue and no set, and not discarded. A reserved job keeps its
   * {@code jobs} row until ACK or FAIL, so "in no table" means ACKed (or deleted). {@code jobs.jid}
   * has no index: this scans, at start and after a node was lost ({@code Workflows#recover}).
   */
  @Override
  public List<String> activeButAbsent(int limit) {
    return readers.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT w.jid FROM workflow_jobs w WHERE w.state = 'active'"
                      + " AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.jid = w.jid)"
                      + " AND NOT EXISTS (SELECT 1 FROM set_entries s WHERE s.jid = w.jid)"
                      + " AND NOT EXISTS (SELECT 1 FROM job_fates f WHERE f.jid = w.jid)"
                      + " ORDER BY w.jid LIMIT ?")) {
            ps.setInt(1, limit);
            return strings(ps);
          }
        });
  }

  /** ACTIVE rows whose jid is in the dead set ({@code set_id} 2) or discarded (a scan). */
  @Override
  public List<String> activeButDead(int limit) {
    return readers.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT w.jid FROM workflow_jobs w WHERE w.state = 'active'"
                      + " AND (EXISTS (SELECT 1 FROM set_entries s WHERE s.jid = w.jid"
                      + " AND s.set_id = 2)"
                      + " OR EXISTS (SELECT 1 FROM job_fates f WHERE f.jid = w.jid))"
                      + " ORDER BY w.jid LIMIT ?")) {
            ps.setInt(1, limit);
            return strings(ps);
          }
        });
  }

  @Override
  public int purge(Instant now, int limit) {
    return writer.write(
        tx -> {
          PreparedStatement pick =
              tx.prepare(
                  "SELECT jid FROM workflow_jobs WHERE until IS NOT NULL AND until <= ? LIMIT ?");
          pick.setLong(1, SetTables.micros(now));
          pick.setInt(2, limit);
          List<String> jids = strings(pick);
          PreparedStatement rows = tx.prepare("DELETE FROM workflow_jobs WHERE jid = ?");
          PreparedStatement edges = tx.prepare("DELETE FROM workflow_edges WHERE jid = ?");
          for (String jid : jids) {
            rows.setString(1, jid);
            rows.executeUpdate();
            edges.setString(1, jid);
            edges.executeUpdate();
          }
          return jids.size();
        },
        limit,
        0);
  }
}
