package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.priority.Priority;
import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A by-hand measurement, not a test: the cost of a FETCH (reserve, then ack) from one queue of
 * mixed priorities (each job at a random level 1..9) at 10k and at 1M queued, warm and after a
 * reopen (payloads on disk, read ahead). Reports the calling thread's CPU time per reserve as well
 * as wall time, since on a shared machine the CPU time is what stays comparable.
 *
 * <pre>java -Xmx768m -cp ... PriorityScaleBench [mixed|plain] [jobs, default 1000000]</pre>
 */
public final class PriorityScaleBench {
  private PriorityScaleBench() {}

  private static final String Q = "default";
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
  private static final Random RANDOM = new Random(7);
  private static boolean mixed = true;
  private static long seq;

  public static void main(String[] args) throws Exception {
    mixed = args.length == 0 || !args[0].equals("plain");
    long jobs = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
    Path dir = Files.createTempDirectory("fabrik-prio-scale");
    try {
      try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
        enqueue(store, 10_000);
        fetchCost(store, 2000); // warm-up
        System.out.printf("at 10k queued: %s%n", fetchCost(store, 2000));
        enqueue(store, jobs - store.queueSize(Q));
        Thread.sleep(5_000); // let the background checkpoint finish
        System.out.printf("at %,d queued: %s%n", store.queueSize(Q), fetchCost(store, 2000));
      }
      long start = System.nanoTime();
      try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
        System.out.printf(
            "reopened %,d queued in %.1f s%n",
            store.queueSize(Q), (System.nanoTime() - start) / 1e9);
        System.out.printf("after reopen (payloads on disk): %s%n", fetchCost(store, 2000));
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void enqueue(SqliteStore store, long jobs) {
    List<QueuedJob> batch = new ArrayList<>(1000);
    for (long i = 0; i < jobs; i++) {
      String jid = "j-" + seq++;
      int priority = mixed ? 1 + RANDOM.nextInt(Priority.LEVELS) : Priority.DEFAULT;
      String json =
          "{\"jid\":\""
              + jid
              + "\",\"jobtype\":\"SomeJob\",\"args\":[1,2,3],\"queue\":\"default\""
              + (mixed ? ",\"priority\":" + priority : "")
              + "}";
      batch.add(new QueuedJob(jid, Q, json.getBytes(StandardCharsets.UTF_8), priority));
      if (batch.size() == 1000) {
        store.enqueue(batch);
        batch = new ArrayList<>(1000);
      }
    }
    if (!batch.isEmpty()) {
      store.enqueue(batch);
    }
  }

  /** Medians of 5 runs of {@code n} reserves: CPU and wall µs per reserve; acks are not timed. */
  private static String fetchCost(SqliteStore store, int n) {
    double[] cpu = new double[5];
    double[] wall = new double[5];
    for (int run = 0; run < 5; run++) {
      List<String> jids = new ArrayList<>(n);
      long c0 = CPU.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Reservation r =
            store.reserve(List.of(Q), "w", NOW, payload -> NOW.plusSeconds(1800)).orElseThrow();
        jids.add(r.jid());
      }
      cpu[run] = (CPU.getCurrentThreadCpuTime() - c0) / 1e3 / n;
      wall[run] = (System.nanoTime() - t0) / 1e3 / n;
      for (String jid : jids) {
        store.acknowledge(jid);
      }
      enqueue(store, n); // keep the depth
    }
    Arrays.sort(cpu);
    Arrays.sort(wall);
    return String.format(
        "reserve %.2f µs CPU, %.2f µs wall (1 thread, median of 5 x %d; range %.2f-%.2f CPU)",
        cpu[2], wall[2], n, cpu[0], cpu[4]);
  }
}
