package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.PayloadJobtype;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.TreeSet;

/**
 * The inserts every write path shares (PUSH, PUSHB, unique pushes, cron ticks, requeues), each one
 * statement over arrays however many rows it carries, on the caller's connection and inside the
 * caller's transaction.
 *
 * <pre>
 * INSERT INTO fabrik.jobs(queue, priority, jid, payload)
 *   SELECT q, p, j, b FROM unnest($1::text[], $2::smallint[], $3::text[], $4::bytea[])
 *        WITH ORDINALITY AS t(q, p, j, b, n) ORDER BY n
 * </pre>
 *
 * Ids follow list order, so a batch keeps its order within each queue and priority.
 */
final class PgInserts {
  private final String insertJobs;
  private final String registerQueues;
  private final String insertEntries;

  PgInserts(PgDatabase db) {
    insertJobs =
        db.sql(
            "INSERT INTO {s}.jobs(queue, priority, jid, payload)"
                + " SELECT q, p, j, b FROM unnest(?::text[], ?::smallint[], ?::text[], ?::bytea[])"
                + " WITH ORDINALITY AS t(q, p, j, b, n) ORDER BY n");
    // Names in sorted order: two transactions registering the same new queues take their index
    // locks in the same order and never deadlock.
    registerQueues =
        db.sql(
            "INSERT INTO {s}.queues(name) SELECT unnest(?::text[]) ON CONFLICT (name) DO NOTHING");
    insertEntries =
        db.sql(
            "INSERT INTO {s}.set_entries(set_name, score_us, jid, queue, jobtype, payload)"
                + " SELECT s, sc, j, q, t, b FROM unnest(?::text[], ?::bigint[], ?::text[],"
                + " ?::text[], ?::text[], ?::bytea[]) WITH ORDINALITY AS x(s, sc, j, q, t, b, n)"
                + " ORDER BY n");
  }

  /** Appends the jobs to their queues (registering the queues); nothing when the list is empty. */
  void jobs(Connection c, List<QueuedJob> jobs) throws SQLException {
    if (jobs.isEmpty()) {
      return;
    }
    int n = jobs.size();
    String[] queues = new String[n];
    Short[] priorities = new Short[n];
    String[] jids = new String[n];
    byte[][] payloads = new byte[n][];
    TreeSet<String> names = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      QueuedJob j = jobs.get(i);
      queues[i] = j.queue();
      priorities[i] = (short) j.priority();
      jids[i] = j.jid();
      payloads[i] = j.payload();
      names.add(j.queue());
    }
    registerQueues(c, names);
    try (PreparedStatement p = c.prepareStatement(insertJobs)) {
      p.setArray(1, c.createArrayOf("text", queues));
      p.setArray(2, c.createArrayOf("int2", priorities));
      p.setArray(3, c.createArrayOf("text", jids));
      p.setObject(4, c.createArrayOf("bytea", payloads));
      p.executeUpdate();
    }
  }

  /** Registers queue names (a queue is known from its first job until it is removed). */
  void registerQueues(Connection c, TreeSet<String> names) throws SQLException {
    if (names.isEmpty()) {
      return;
    }
    try (PreparedStatement p = c.prepareStatement(registerQueues)) {
      p.setArray(1, c.createArrayOf("text", names.toArray(String[]::new)));
      p.executeUpdate();
    }
  }

  /** Adds entries to their sets (their {@code seq} is ignored: the table assigns one). */
  void entries(Connection c, List<SetEntry> entries) throws SQLException {
    if (entries.isEmpty()) {
      return;
    }
    int n = entries.size();
    String[] sets = new String[n];
    Long[] scores = new Long[n];
    String[] jids = new String[n];
    String[] queues = new String[n];
    String[] types = new String[n];
    byte[][] payloads = new byte[n][];
    for (int i = 0; i < n; i++) {
      SetEntry e = entries.get(i);
      sets[i] = e.set().wireName();
      scores[i] = PgTime.micros(e.score());
      jids[i] = e.jid();
      queues[i] = e.queue();
      types[i] = PayloadJobtype.of(e.payload());
      payloads[i] = e.payload();
    }
    try (PreparedStatement p = c.prepareStatement(insertEntries)) {
      Array a = c.createArrayOf("text", sets);
      p.setArray(1, a);
      p.setArray(2, c.createArrayOf("int8", scores));
      p.setArray(3, c.createArrayOf("text", jids));
      p.setArray(4, c.createArrayOf("text", queues));
      p.setArray(5, c.createArrayOf("text", types));
      p.setObject(6, c.createArrayOf("bytea", payloads));
      p.executeUpdate();
    }
  }
}
