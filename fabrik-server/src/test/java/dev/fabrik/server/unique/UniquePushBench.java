package dev.fabrik.server.unique;

import com.sun.management.OperatingSystemMXBean;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.OptionKeys;
import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * A by-hand measurement, not a test: plain single-job enqueues against unique pushes (one claim
 * each, distinct args) on the SQLite store, 50 in flight like 50 connections, interleaved rounds;
 * and the cost of reading the option and hashing the identity. {@code java -cp ... UniquePushBench
 * [rounds] [jobs]}.
 */
public final class UniquePushBench {
  private UniquePushBench() {}

  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private static byte[] payload(long n, boolean unique) {
    return ("{\"jid\":\"0123456789abcdef"
            + n
            + "\",\"jobtype\":\"bench.noop\",\"args\":["
            + n
            + "],\"queue\":\"default\",\"created_at\":\"2030-01-01T00:00:00.000000Z\","
            + "\"enqueued_at\":\"2030-01-01T00:00:00.000000Z\",\"retry\":25"
            + (unique ? ",\"custom\":{\"unique_for\":60}" : "")
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    Path dir = Files.createTempDirectory("fabrik-unique-bench");
    long seq = 0;
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      for (int r = 0; r < rounds + 1; r++) {
        String tag = r == 0 ? "warm-up " : "round " + r + " ";
        seq = run(tag + "plain ", store, jobs, seq, false);
        seq = run(tag + "unique", store, jobs, seq, true);
      }
    }
    byte[] plain = payload(123456789, false);
    for (int r = 0; r < 3; r++) {
      long start = System.nanoTime();
      int n = 10_000_000;
      long sink = 0;
      for (int i = 0; i < n; i++) {
        plain[plain.length - 2] = (byte) ('0' + (i & 7));
        sink += UniqueOption.mayBeUnique(OptionKeys.of(plain)) ? 1 : 0;
      }
      System.out.printf(
          "byte scan of a plain %d-byte payload (FETCH, ACK): %.1f ns (%d)%n",
          plain.length, (System.nanoTime() - start) / (double) n, sink);
    }
    Job plainJob = JobCodec.decode(plain);
    for (int r = 0; r < 3; r++) {
      long start = System.nanoTime();
      int n = 10_000_000;
      long sink = 0;
      for (int i = 0; i < n; i++) {
        sink += UniqueOption.of(plainJob) == null ? 1 : 0;
      }
      System.out.printf(
          "option check of a plain job (PUSH): %.1f ns (%d)%n",
          (System.nanoTime() - start) / (double) n, sink);
    }
    Job job = JobCodec.decode(payload(1, true));
    for (int r = 0; r < 3; r++) {
      long start = System.nanoTime();
      int n = 1_000_000;
      long sink = 0;
      for (int i = 0; i < n; i++) {
        sink += UniqueOption.of(job).claim("j", Instant.EPOCH).key().length();
      }
      System.out.printf(
          "option + key: %.2f us per job (%d)%n", (System.nanoTime() - start) / 1e3 / n, sink);
    }
  }

  /** A key like the server's: SHA-256 hex of the identity, so keys fall all over the key space. */
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

  private static long run(String label, SqliteStore store, int jobs, long seq, boolean unique)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(50);
    long cpu = OS.getProcessCpuTime();
    long start = System.nanoTime();
    Instant now = Instant.now();
    for (int i = 0; i < jobs; i++) {
      long n = seq++;
      QueuedJob q = new QueuedJob("j" + n, "default", payload(n, unique));
      inFlight.acquire();
      CompletableFuture<?> f =
          unique
              ? store
                  .uniqueLocks()
                  .pushAsync(
                      List.of(q),
                      List.of(),
                      List.of(new UniqueClaim(key(n), q.jid(), now.plus(Duration.ofMinutes(1)))),
                      now)
              : store.enqueueAsync(List.of(q));
      f.whenComplete((x, e) -> inFlight.release());
    }
    inFlight.acquire(50);
    double secs = (System.nanoTime() - start) / 1e9;
    double cpuUs = (OS.getProcessCpuTime() - cpu) / 1e3 / jobs;
    System.out.printf(
        "%s: %.0f jobs/s, %.1f us CPU per job, load %.1f%n",
        label, jobs / secs, cpuUs, OS.getSystemLoadAverage());
    // keep the queue from growing without bound between rounds
    store.remove(new ArrayList<>(List.of("default")));
    return seq;
  }
}
