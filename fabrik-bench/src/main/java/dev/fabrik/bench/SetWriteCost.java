package dev.fabrik.bench;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Cost of adding to a set one entry per call ({@code addToSet}, the path FAIL takes into the
 * retries or dead set), from many virtual threads as connection handlers call it, so group commit
 * batches them. Uses only the original {@code Store} API, so the same main runs against older
 * builds for a before/after comparison.
 *
 * <pre>
 * java -cp fabrik-bench/target/benchmarks.jar dev.fabrik.bench.SetWriteCost [--entries 200000]
 * </pre>
 */
public final class SetWriteCost {

  private static final int THREADS = 64;

  private SetWriteCost() {}

  public static void main(String[] args) throws Exception {
    int entries =
        args.length == 2 && args[0].equals("--entries") ? Integer.parseInt(args[1]) : 200_000;
    Path dir = Files.createTempDirectory("fabrik-set-writes");
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      for (int round = 0; round < 3; round++) {
        int from = round * entries;
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
          List<Future<?>> done = new ArrayList<>();
          for (int t = 0; t < THREADS; t++) {
            int thread = t;
            done.add(
                pool.submit(
                    () -> {
                      for (int i = from + thread; i < from + entries; i += THREADS) {
                        store.addToSet(
                            SetName.DEAD,
                            DeadJobs.score(i),
                            new QueuedJob(DeadJobs.jid(i), "default", DeadJobs.payload(i)));
                      }
                    }));
          }
          for (Future<?> f : done) {
            f.get();
          }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "addToSet x %d (%d threads), set held %d before: %.0f/s%n",
            entries, THREADS, from, entries / secs);
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
