package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.workflow.WorkflowRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;

/**
 * The columns of many workflow rows as arrays, so one statement writes them all through {@code
 * unnest} (a PUSHB of a thousand workflow jobs, a fan-out's releases): one round trip, not one per
 * row. Instants are epoch microseconds, null stays null.
 */
final class PgWorkflowColumns {
  private final String[] jids;
  private final String[] queues;
  private final byte[][] payloads;
  private final Long[] at;
  private final Integer[] waiting;
  private final String[] states;
  private final String[] causes;
  private final Long[] deadAt;
  private final Long[] until;

  PgWorkflowColumns(Collection<WorkflowRow> rows) {
    int n = rows.size();
    jids = new String[n];
    queues = new String[n];
    payloads = new byte[n][];
    at = new Long[n];
    waiting = new Integer[n];
    states = new String[n];
    causes = new String[n];
    deadAt = new Long[n];
    until = new Long[n];
    int i = 0;
    for (WorkflowRow r : rows) {
      jids[i] = r.jid();
      queues[i] = r.queue();
      payloads[i] = r.payload();
      at[i] = micros(r.at());
      waiting[i] = r.waiting();
      states[i] = r.state().wire();
      causes[i] = r.cause();
      deadAt[i] = micros(r.deadAt());
      until[i] = micros(r.until());
      i++;
    }
  }

  /**
   * Binds parameters 1–9, every column in table order: {@code unnest(?::text[], ?::text[],
   * ?::bytea[], ?::int8[], ?::int4[], ?::text[], ?::text[], ?::int8[], ?::int8[])}.
   */
  void bindAll(Connection c, PreparedStatement ps) throws SQLException {
    ps.setArray(1, c.createArrayOf("text", jids));
    ps.setArray(2, c.createArrayOf("text", queues));
    ps.setObject(3, c.createArrayOf("bytea", payloads));
    ps.setArray(4, c.createArrayOf("int8", at));
    ps.setArray(5, c.createArrayOf("int4", waiting));
    ps.setArray(6, c.createArrayOf("text", states));
    ps.setArray(7, c.createArrayOf("text", causes));
    ps.setArray(8, c.createArrayOf("int8", deadAt));
    ps.setArray(9, c.createArrayOf("int8", until));
  }

  /**
   * Binds parameters 1–6, the jid and the columns that change after insert: {@code
   * unnest(?::text[], ?::int4[], ?::text[], ?::text[], ?::int8[], ?::int8[])}.
   */
  void bindStates(Connection c, PreparedStatement ps) throws SQLException {
    ps.setArray(1, c.createArrayOf("text", jids));
    ps.setArray(2, c.createArrayOf("int4", waiting));
    ps.setArray(3, c.createArrayOf("text", states));
    ps.setArray(4, c.createArrayOf("text", causes));
    ps.setArray(5, c.createArrayOf("int8", deadAt));
    ps.setArray(6, c.createArrayOf("int8", until));
  }

  private static Long micros(Instant t) {
    return t == null ? null : PgTime.micros(t);
  }
}
