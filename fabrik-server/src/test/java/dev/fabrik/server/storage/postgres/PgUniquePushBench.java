package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.batch.BatchRecord;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.unique.UniqueClaim;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * A by-hand measurement, not a test: single-job enqueues (the store's group commit) against unique
 * pushes (one claim each, SHA-256 keys), tracking writes, and enqueues of jobs that joined a batch
 * first (untimed; the group commit then locks their member rows: {@link PgBatchJoins}), 50 in
 * flight like 50 connections, on the PostgreSQL of {@code FABRIK_TEST_DATABASE_URL} (point it at a
 * cluster with default durability). Prints ops/s and this process's CPU per op (PostgreSQL's own is
 * not in it). {@code java -cp ... PgUniquePushBench [rounds] [jobs]}.
 */
public final class PgUniquePushBench {
  private PgUniquePushBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    PgDatabase db = PgDatabase.open(PgTestDatabase.url(), PgTestDatabase.newSchema("bench"), 16);
    long seq = 0;
    try (PostgresStore store = PostgresStore.open(db)) {
      for (int r = 0; r < rounds + 1; r++) {
        String tag = r == 0 ? "warm-up " : "round " + r + " ";
        seq = run(tag + "plain   ", store, jobs, seq, Kind.PLAIN);
        seq = run(tag + "unique  ", store, jobs, seq, Kind.UNIQUE);
        seq = run(tag + "tracking", store, jobs, seq, Kind.TRACKING);
        seq = run(tag + "joined  ", store, jobs, seq, Kind.JOINED);
      }
      PgTestDatabase.drop(db);
    }
  }

  private enum Kind {
    PLAIN,
    UNIQUE,
    TRACKING,
    JOINED
  }

  private static long run(String label, PostgresStore store, int jobs, long seq, Kind kind)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(50);
    Instant now = Instant.now();
    String bid = "b-" + seq;
    String custom = "";
    if (kind == Kind.JOINED) {
      store
          .batches()
          .create(
              BatchRecord.created(bid, null, "bench", now, now.plusSeconds(86_400), "{}", null));
      custom = ",\"custom\":{\"bid\":\"" + bid + "\"}";
      for (long n = seq; n < seq + jobs; n++) {
        store.batches().join(bid, "j" + n, now).join();
      }
    }
    var os = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
    long cpu = os.getProcessCpuTime();
    long start = System.nanoTime();
    for (int i = 0; i < jobs; i++) {
      long n = seq++;
      QueuedJob q =
          new QueuedJob(
              "j" + n,
              "default",
              ("{\"jid\":\"j" + n + "\",\"jobtype\":\"bench\",\"args\":[" + n + "]" + custom + "}")
                  .getBytes(StandardCharsets.UTF_8));
      inFlight.acquire();
      CompletableFuture<?> f =
          switch (kind) {
            case PLAIN, JOINED -> store.enqueueAsync(List.of(q));
            case UNIQUE ->
                store
                    .uniqueLocks()
                    .pushAsync(
                        List.of(q),
                        List.of(),
                        List.of(new UniqueClaim(key(n), q.jid(), now.plus(Duration.ofMinutes(1)))),
                        now);
            case TRACKING -> store.tracking().enqueued(q.jid(), now);
          };
      f.whenComplete((x, e) -> inFlight.release());
    }
    inFlight.acquire(50);
    double secs = (System.nanoTime() - start) / 1e9;
    cpu = os.getProcessCpuTime() - cpu;
    System.out.printf("%s: %.0f ops/s, %.1f us CPU per op%n", label, jobs / secs, cpu / 1e3 / jobs);
    store.remove(List.of("default"));
    return seq;
  }

  private static String key(long n) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(Long.toString(n).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
