package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A by-hand throughput measurement, not a test: {@code java -cp ... SqliteStoreBench
 * [NORMAL|FULL]}. Callers run on virtual threads, as connection handlers do.
 */
public final class SqliteStoreBench {
  private SqliteStoreBench() {}

  private static final byte[] PAYLOAD =
      ("{\"jid\":\"0123456789abcdef01234567\",\"jobtype\":\"SomeJob\",\"args\":[1,2,\"three\"],"
              + "\"queue\":\"default\",\"created_at\":\"2030-01-01T00:00:00.000000Z\","
              + "\"enqueued_at\":\"2030-01-01T00:00:00.000000Z\",\"retry\":25}")
          .getBytes(StandardCharsets.UTF_8);

  public static void main(String[] args) throws Exception {
    Durability d =
        args.length > 0 && args[0].equals("FULL")
            ? Durability.POWER_LOSS
            : Durability.PROCESS_CRASH;
    Path dir = Files.createTempDirectory("fabrik-bench");
    try (SqliteStore store = SqliteStore.open(dir, d)) {
      report(
          "batch enqueue (4 threads x 1000/batch)",
          200_000,
          run(
              4,
              t -> {
                for (int b = 0; b < 50; b++) {
                  List<QueuedJob> batch = new ArrayList<>(1000);
                  for (int i = 0; i < 1000; i++) {
                    batch.add(new QueuedJob("b" + t + "-" + b + "-" + i, "default", PAYLOAD));
                  }
                  store.enqueue(batch);
                }
              }));
      report(
          "single enqueue (50 threads)",
          200_000,
          run(
              50,
              t -> {
                for (int i = 0; i < 4000; i++) {
                  store.enqueue(List.of(new QueuedJob("s" + t + "-" + i, "default", PAYLOAD)));
                }
              }));
      AtomicLong drained = new AtomicLong();
      long total = store.queueSize("default");
      report(
          "reserve+ack (50 threads)",
          total,
          run(
              50,
              t -> {
                Instant now = Instant.now();
                while (true) {
                  Optional<Reservation> r =
                      store.reserve(List.of("default"), "w", now, payload -> now.plusSeconds(1800));
                  if (r.isEmpty()) {
                    return;
                  }
                  store.acknowledge(r.get().jid());
                  drained.incrementAndGet();
                }
              }));
      System.out.printf(
          "drained %d of %d, disk %d MB%n", drained.get(), total, store.sizeOnDisk() >> 20);
    }
  }

  interface Work {
    void run(int thread) throws Exception;
  }

  private static long run(int threads, Work work) throws Exception {
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        fs.add(
            pool.submit(
                () -> {
                  work.run(id);
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    }
    return System.nanoTime() - start;
  }

  private static void report(String what, long jobs, long nanos) {
    System.out.printf("%-40s %,10d jobs/s%n", what, (long) (jobs / (nanos / 1e9)));
  }
}
