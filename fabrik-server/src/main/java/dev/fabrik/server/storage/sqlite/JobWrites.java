package dev.fabrik.server.storage.sqlite;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The inserts into and deletes from {@code jobs} of the transaction in progress, held back and then
 * written with multi-row statements: a batch of 2000 PUSHes costs 2000/128 statement runs instead
 * of 2000, which is most of the writer's time per job. {@link Tx} flushes them before any other
 * statement, so the database sees every op in the order the ops ran.
 *
 * <pre>
 * INSERT INTO jobs(id, qid, jid, payload, priority) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?), ...
 * DELETE FROM jobs WHERE id IN (?, ?, ...)
 * </pre>
 */
final class JobWrites {

  /**
   * A job inserted in this transaction; {@code id} is its place within its queue's priority level.
   */
  record Row(String queue, long id, long qid, String jid, byte[] payload, int priority) {}

  /** Statement sizes, largest first; any count is written as a sum of these. */
  private static final int[] CHUNKS = {128, 32, 8, 1};

  /** How {@link JobWrites} gets a cached statement without flushing itself. */
  @FunctionalInterface
  interface Statements {
    PreparedStatement get(String sql) throws SQLException;
  }

  private final Statements statements;
  private final String[] insertSql = new String[CHUNKS.length];
  private final String[] deleteSql = new String[CHUNKS.length];
  private final List<Row> inserts = new ArrayList<>();
  private long[] deletes = new long[256];
  private int deleteCount;

  JobWrites(Statements statements) {
    this.statements = statements;
    for (int i = 0; i < CHUNKS.length; i++) {
      insertSql[i] =
          "INSERT INTO jobs(id, qid, jid, payload, priority) VALUES "
              + String.join(", ", Collections.nCopies(CHUNKS[i], "(?, ?, ?, ?, ?)"));
      deleteSql[i] =
          "DELETE FROM jobs WHERE id IN ("
              + String.join(", ", Collections.nCopies(CHUNKS[i], "?"))
              + ")";
    }
  }

  void insert(Row row) {
    inserts.add(row);
  }

  void delete(long id) {
    if (deleteCount == deletes.length) {
      deletes = Arrays.copyOf(deletes, deleteCount * 2);
    }
    deletes[deleteCount++] = id;
  }

  boolean isEmpty() {
    return inserts.isEmpty() && deleteCount == 0;
  }

  /** Writes everything held back. On failure the transaction must roll back ({@link #clear}). */
  void flush() throws SQLException {
    int done = 0;
    int c = 0;
    while (done < deleteCount) {
      while (deleteCount - done < CHUNKS[c]) {
        c++;
      }
      PreparedStatement ps = statements.get(deleteSql[c]);
      for (int i = 0; i < CHUNKS[c]; i++) {
        ps.setLong(i + 1, deletes[done + i]);
      }
      ps.executeUpdate();
      done += CHUNKS[c];
    }
    deleteCount = 0;
    done = 0;
    c = 0;
    while (done < inserts.size()) {
      while (inserts.size() - done < CHUNKS[c]) {
        c++;
      }
      PreparedStatement ps = statements.get(insertSql[c]);
      int p = 1;
      for (int i = 0; i < CHUNKS[c]; i++) {
        Row row = inserts.get(done + i);
        ps.setLong(p++, row.id());
        ps.setLong(p++, row.qid());
        ps.setString(p++, row.jid());
        ps.setBytes(p++, row.payload());
        ps.setInt(p++, row.priority());
      }
      ps.executeUpdate();
      done += CHUNKS[c];
    }
    inserts.clear();
  }

  void clear() {
    inserts.clear();
    deleteCount = 0;
  }
}
