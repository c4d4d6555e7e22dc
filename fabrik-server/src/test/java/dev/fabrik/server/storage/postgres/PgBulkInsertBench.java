package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.QueuedJob;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * A by-hand measurement, not a test: the jobs INSERT of a PUSHB group commit, as an array INSERT
 * (unnest) against a binary COPY, alternated, one transaction of {@code batch} jobs each
 * (committed, so the WAL flush is in the figure), on the PostgreSQL of {@code
 * FABRIK_TEST_DATABASE_URL} (point it at a cluster with default durability). {@code java -cp ...
 * PgBulkInsertBench [rounds] [batches] [batch]}.
 */
public final class PgBulkInsertBench {
  private PgBulkInsertBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int batches = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 3_000;
    PgDatabase db = PgTestDatabase.migrated("bulkbench", 4);
    PgInserts array = new PgInserts(db, Integer.MAX_VALUE);
    PgInserts copy = new PgInserts(db, 1);
    long seq = 0;
    for (int r = 0; r <= rounds; r++) {
      String tag = r == 0 ? "warm-up" : "round " + r;
      double a = run(db, array, batches, batch, seq);
      seq += (long) batches * batch;
      double c = run(db, copy, batches, batch, seq);
      seq += (long) batches * batch;
      System.out.printf("%s: unnest %.0f jobs/s, copy %.0f jobs/s, ratio %.2f%n", tag, a, c, c / a);
    }
    PgTestDatabase.drop(db);
  }

  private static double run(PgDatabase db, PgInserts inserts, int batches, int batch, long seq)
      throws Exception {
    long start = System.nanoTime();
    for (int b = 0; b < batches; b++) {
      List<QueuedJob> jobs = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        long n = seq++;
        jobs.add(
            new QueuedJob(
                "j" + n,
                "default",
                ("{\"jid\":\"j"
                        + n
                        + "\",\"jobtype\":\"bench\",\"args\":[1,\"hello\"],\"queue\":\"default\","
                        + "\"created_at\":\"2026-12-06T06:19:06.123Z\","
                        + "\"enqueued_at\":\"2026-12-06T06:19:06.123Z\",\"retry\":25}")
                    .getBytes(StandardCharsets.UTF_8),
                5));
      }
      try (Connection c = db.connection()) {
        c.setAutoCommit(false);
        inserts.jobs(c, jobs);
        c.commit();
        c.setAutoCommit(true);
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    try (Connection c = db.connection()) {
      c.createStatement().execute(db.sql("TRUNCATE {s}.jobs"));
    }
    return (double) batches * batch / secs;
  }
}
