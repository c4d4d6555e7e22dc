package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * A by-hand measurement of a deep queue, not a test: memory with ten million queued jobs, the time
 * to reopen (recover) them, and the cost of a FETCH (reserve) and ACK at 1k vs 10M queued.
 *
 * <pre>java -Xmx768m -cp ... SqliteScaleBench [jobs, default 10000000]</pre>
 */
public final class SqliteScaleBench {
  private SqliteScaleBench() {}

  private static final String Q = "default";
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  public static void main(String[] args) throws Exception {
    long jobs = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    Path dir = Files.createTempDirectory("fabrik-scale");
    try {
      try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
        enqueue(store, 1000, 0);
        System.out.printf("at 1k queued:  %s%n", fetchCost(store, 1000));
        System.out.printf("at 1k queued:  %s%n", drainRate(store, 20));
        long start = System.nanoTime();
        enqueue(store, jobs, 1);
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "enqueued %,d in %.1f s (%,.0f jobs/s, 1 thread x 1000/batch)%n",
            jobs, secs, jobs / secs);
        memory("with " + store.queueSize(Q) + " queued");
        Thread.sleep(10_000); // let the background checkpoint of 1 GB of WAL finish
        System.out.printf("at %,d queued: %s%n", store.queueSize(Q), fetchCost(store, 1000));
        System.out.printf("at %,d queued: %s%n", store.queueSize(Q), drainRate(store, 20));
        System.out.printf("disk %,d MB%n", store.sizeOnDisk() >> 20);
      }
      long start = System.nanoTime();
      try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
        System.out.printf(
            "reopened %,d queued in %.1f s%n",
            store.queueSize(Q), (System.nanoTime() - start) / 1e9);
        memory("after reopen");
        System.out.printf("after reopen (payloads on disk): %s%n", fetchCost(store, 1000));
        System.out.printf("after reopen (payloads on disk): %s%n", drainRate(store, 20));
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void enqueue(SqliteStore store, long jobs, int round) {
    List<QueuedJob> batch = new ArrayList<>(1000);
    for (long i = 0; i < jobs; i++) {
      String jid = "r" + round + "-" + i;
      batch.add(
          new QueuedJob(
              jid,
              Q,
              ("{\"jid\":\""
                      + jid
                      + "\",\"jobtype\":\"SomeJob\",\"args\":[1,2,3],\"queue\":\"default\"}")
                  .getBytes(StandardCharsets.UTF_8)));
      if (batch.size() == 1000) {
        store.enqueue(batch);
        batch = new ArrayList<>(1000);
      }
    }
    if (!batch.isEmpty()) {
      store.enqueue(batch);
    }
  }

  /** Median of 5 runs: µs per reserve, and µs per reserve+ack, over {@code n} jobs each. */
  private static String fetchCost(SqliteStore store, int n) {
    double[] reserve = new double[5];
    double[] both = new double[5];
    for (int run = 0; run < 5; run++) {
      List<String> jids = new ArrayList<>(n);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Reservation r =
            store.reserve(List.of(Q), "w", NOW, payload -> NOW.plusSeconds(1800)).orElseThrow();
        jids.add(r.jid());
      }
      long t1 = System.nanoTime();
      for (String jid : jids) {
        store.acknowledge(jid);
      }
      long t2 = System.nanoTime();
      reserve[run] = (t1 - t0) / 1e3 / n;
      both[run] = (t2 - t0) / 1e3 / n;
      enqueue(store, n, 100 + run); // keep the depth
    }
    java.util.Arrays.sort(reserve);
    java.util.Arrays.sort(both);
    return String.format(
        "reserve %.1f µs, reserve+ack %.1f µs (1 thread, median of 5 x %d)",
        reserve[2], both[2], n);
  }

  /** Median of 5: reserve+ack throughput of 50 virtual threads taking {@code n} jobs each. */
  private static String drainRate(SqliteStore store, int n) throws Exception {
    double[] rates = new double[5];
    for (int run = 0; run < 5; run++) {
      long t0 = System.nanoTime();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 50; t++) {
          fs.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < n; i++) {
                      Reservation r =
                          store
                              .reserve(List.of(Q), "w", NOW, payload -> NOW.plusSeconds(1800))
                              .orElseThrow();
                      store.acknowledge(r.jid());
                    }
                    return null;
                  }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
      }
      rates[run] = 50.0 * n / ((System.nanoTime() - t0) / 1e9);
      enqueue(store, 50L * n, 200 + run); // keep the depth
    }
    java.util.Arrays.sort(rates);
    return String.format(
        "reserve+ack %,.0f jobs/s (50 threads, median of 5 x %d)", rates[2], 50 * n);
  }

  private static void memory(String when) throws IOException {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    String rss =
        Files.readAllLines(Path.of("/proc/self/status")).stream()
            .filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM"))
            .map(l -> l.replaceAll("\\s+", " "))
            .reduce((a, b) -> a + ", " + b)
            .orElse("?");
    System.out.printf(
        "%s: heap used after GC %,d MB (max %,d MB); %s%n",
        when, (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20, rss);
  }
}
