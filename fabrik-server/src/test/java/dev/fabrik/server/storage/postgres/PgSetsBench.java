package dev.fabrik.server.storage.postgres;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A by-hand measurement of the PostgreSQL sets, not a test: moving a backlog of 100k due entries
 * into their queues (as the scheduler does, 1000 per transaction, payloads restamped through the
 * job codec), by one node and by two, and the time of one page of a set of a million entries.
 *
 * <pre>
 * dev/postgres start /tmp/pgsets-pg      # default durability: fsync and synchronous_commit on
 * FABRIK_TEST_DATABASE_URL=$(dev/postgres url /tmp/pgsets-pg) java -cp ... PgSetsBench [due] [big]
 * </pre>
 */
public final class PgSetsBench {
  private PgSetsBench() {}

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final int BATCH = 1000; // Maintenance.BATCH

  public static void main(String[] args) throws Exception {
    int due = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int big = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    PgDatabase db = PgTestDatabase.migrated("pgsetsbench", 8);
    try {
      PgSets sets = new PgSets(db, new PgInserts(db), (q, n) -> {});
      for (int nodes : new int[] {1, 2}) {
        fill(sets, SetName.SCHEDULED, due, i -> T0.plusMillis(i % 60_000));
        moveAll(db, nodes, due);
        truncateJobs(db);
      }
      fill(sets, SetName.DEAD, big, i -> T0.plusMillis(i));
      vacuum(db);
      pages(sets, big);
    } finally {
      PgTestDatabase.drop(db);
      db.close();
    }
  }

  interface Score {
    Instant at(int i);
  }

  private static void fill(PgSets sets, SetName set, int n, Score score) {
    long start = System.nanoTime();
    for (int from = 0; from < n; from += 10_000) {
      List<SetEntry> batch = new ArrayList<>(10_000);
      for (int i = from; i < Math.min(n, from + 10_000); i++) {
        String jid = jid(i);
        batch.add(new SetEntry(set, score.at(i), jid, "q" + (i % 4), payload(jid, i)));
      }
      sets.addAll(batch);
    }
    System.out.printf(
        "added %,d entries to %s in %.1f s%n",
        n, set.wireName(), (System.nanoTime() - start) / 1e9);
  }

  private static String jid(int i) {
    return String.format("%024x", i * 2654435761L);
  }

  /** A job as a retry or dead entry carries it: args, failure, a backtrace line. */
  private static byte[] payload(String jid, int i) {
    String type = i % 10 == 0 ? "Billing" : "Mailer";
    String error = i % 1000 == 7 ? "needle" : "Net::ReadTimeout";
    return ("{\"jid\":\""
            + jid
            + "\",\"queue\":\"q"
            + (i % 4)
            + "\",\"jobtype\":\""
            + type
            + "\",\"args\":[\"user-"
            + i
            + "\",42,{\"locale\":\"en\"}],\"created_at\":\"2029-12-31T23:00:00.000000Z\","
            + "\"retry\":25,\"failure\":{\"retry_count\":1,\"error_type\":\"Timeout\","
            + "\"message\":\""
            + error
            + "\",\"backtrace\":[\"app/jobs/mailer.rb:12\"]}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** What the manager's restamp does: decode, set enqueued_at, encode. */
  private static final UnaryOperator<byte[]> RESTAMP =
      p -> JobCodec.encode(JobCodec.decode(p).withEnqueuedAt(Timestamps.format(T0)));

  private static void moveAll(PgDatabase db, int nodes, int due) throws Exception {
    List<PgDatabase> pools = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(nodes);
    AtomicInteger moved = new AtomicInteger();
    long start = System.nanoTime();
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        PgDatabase own = PgDatabase.open(PgTestDatabase.url(), db.schema(), 2);
        pools.add(own);
        PgSets node = new PgSets(own, new PgInserts(own), (q, n) -> {});
        runs.add(
            pool.submit(
                () -> {
                  int n;
                  do {
                    n = node.enqueueDue(SetName.SCHEDULED, T0.plusSeconds(60), BATCH, RESTAMP);
                    moved.addAndGet(n);
                  } while (n > 0);
                }));
      }
      for (Future<?> f : runs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      pools.forEach(PgDatabase::close);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "enqueueDue, %d node(s): moved %,d of %,d in %.2f s = %,.0f entries/s%n",
        nodes, moved.get(), due, secs, moved.get() / secs);
  }

  private static void truncateJobs(PgDatabase db) throws Exception {
    try (var c = db.connection();
        var s = c.createStatement()) {
      s.execute(db.sql("TRUNCATE {s}.jobs"));
    }
  }

  private static void vacuum(PgDatabase db) throws Exception {
    try (var c = db.connection();
        var s = c.createStatement()) {
      s.execute(db.sql("VACUUM ANALYZE {s}.set_entries"));
    }
  }

  private static void pages(PgSets sets, int n) {
    SetName dead = SetName.DEAD;
    SetEntry.Key mid = new SetEntry.Key(T0.plusMillis(n / 2), jid(n / 2));
    time("first page, 25, ascending", () -> sets.scan(dead, SetQuery.ALL, null, 25));
    time(
        "first page, 25, descending",
        () -> sets.scan(dead, new SetQuery(null, null, true), null, 25));
    time("page after a cursor in the middle", () -> sets.scan(dead, SetQuery.ALL, mid, 25));
    time(
        "job type page (Billing, 1 in 10)",
        () -> sets.scan(dead, new SetQuery("Billing", null, true), mid, 25));
    time(
        "text search page (1 in 1000, one budget)",
        () -> sets.scan(dead, new SetQuery(null, "NEEDLE", true), mid, 25));
    time(
        "text search, no match (one budget)",
        () -> sets.scan(dead, new SetQuery(null, "no such text", false), null, 25));
    time("find by key", () -> sets.find(dead, mid));
    time("size (count)", () -> sets.size(dead));
  }

  private static void time(String what, Supplier<?> call) {
    for (int i = 0; i < 3; i++) {
      call.get(); // warm the plan cache and the buffers
    }
    int runs = 20;
    long start = System.nanoTime();
    Object last = null;
    for (int i = 0; i < runs; i++) {
      last = call.get();
    }
    double ms = (System.nanoTime() - start) / 1e6 / runs;
    String found = last instanceof SetPage p ? " (" + p.entries().size() + " entries)" : "";
    System.out.printf("at 1M: %-42s %7.2f ms%s%n", what, ms, found);
  }
}
