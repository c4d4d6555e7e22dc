package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.batch.BatchRecord;
import dev.fabrik.server.storage.QueuedJob;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * A by-hand measurement, not a test: what the batch-join check ({@link PgBatchJoins}) costs the
 * group commit. The same jobs, each naming a batch in {@code custom.bid}, are enqueued 50 in flight
 * (like 50 connections pushing one job each) either as plain jobs (no join: no note, no check) or
 * after each joined the batch (untimed), so the group commit locks their member rows first. Prints
 * jobs/s and this process's CPU per job (store and driver side; PostgreSQL's own is not in it), on
 * the PostgreSQL of {@code FABRIK_TEST_DATABASE_URL} (point it at a cluster with default
 * durability). {@code java -cp ... PgBatchJoinBench [rounds] [jobs]}.
 */
public final class PgBatchJoinBench {
  private static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");

  private PgBatchJoinBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    PgDatabase db = PgDatabase.open(PgTestDatabase.url(), PgTestDatabase.newSchema("bench"), 16);
    long seq = 0;
    try (PostgresStore store = PostgresStore.open(db)) {
      for (int r = 0; r < rounds + 1; r++) {
        String tag = r == 0 ? "warm-up " : "round " + r + " ";
        seq = run(tag + "plain ", store, jobs, seq, false);
        seq = run(tag + "joined", store, jobs, seq, true);
      }
      PgTestDatabase.drop(db);
    }
  }

  private static long run(String label, PostgresStore store, int jobs, long seq, boolean join)
      throws InterruptedException {
    String bid = "b-" + seq;
    store
        .batches()
        .create(BatchRecord.created(bid, null, "bench", T0, T0.plusSeconds(86_400), "{}", null));
    List<QueuedJob> all = new ArrayList<>(jobs);
    for (int i = 0; i < jobs; i++) {
      long n = seq++;
      String jid = "j" + n;
      all.add(
          new QueuedJob(
              jid,
              "default",
              ("{\"jid\":\""
                      + jid
                      + "\",\"jobtype\":\"bench\",\"args\":["
                      + n
                      + "]"
                      + ",\"custom\":{\"bid\":\""
                      + bid
                      + "\"}}")
                  .getBytes(StandardCharsets.UTF_8)));
      if (join) {
        store.batches().join(bid, jid, T0).join();
      }
    }
    Semaphore inFlight = new Semaphore(50);
    var mx = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
    long cpu = mx.getProcessCpuTime();
    long start = System.nanoTime();
    for (QueuedJob q : all) {
      inFlight.acquire();
      CompletableFuture<?> f = store.enqueueAsync(List.of(q));
      f.whenComplete((x, e) -> inFlight.release());
    }
    inFlight.acquire(50);
    double secs = (System.nanoTime() - start) / 1e9;
    cpu = mx.getProcessCpuTime() - cpu;
    System.out.printf(
        "%s: %.0f jobs/s, %.1f us CPU per job%n", label, jobs / secs, cpu / 1e3 / jobs);
    store.remove(List.of("default"));
    return seq;
  }
}
