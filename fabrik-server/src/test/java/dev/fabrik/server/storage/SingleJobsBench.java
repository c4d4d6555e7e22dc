package dev.fabrik.server.storage;

import dev.fabrik.server.storage.postgres.PgSchemas;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A by-hand measurement, not a test (surefire runs only *Test): how long find-by-jid, delete and
 * run-next take when they must scan, with {@code fabrik.bench.jobs} queued jobs in one queue and as
 * many dead entries (default 200,000 each).
 *
 * <pre>
 * mvn -o test -pl fabrik-server -Dtest=SingleJobsBench -Dfabrik.bench.jobs=1000000
 * </pre>
 */
class SingleJobsBench {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgsinglebench");

  @Test
  void sqlite() {
    try (Store store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      measure("sqlite", store);
    }
  }

  @Test
  void postgres() {
    try (Store store = schemas.newStore()) {
      measure("postgres", store);
    }
  }

  private static void measure(String name, Store store) {
    int n = Integer.getInteger("fabrik.bench.jobs", 200_000);
    for (int from = 0; from < n; from += 10_000) {
      List<QueuedJob> jobs = new ArrayList<>();
      List<SetEntry> dead = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 10_000); i++) {
        jobs.add(new QueuedJob(jid("q", i), "big", payload(jid("q", i))));
        dead.add(
            new SetEntry(SetName.DEAD, T0.plusMillis(i), jid("d", i), "big", payload(jid("d", i))));
      }
      store.enqueue(jobs);
      store.addAllToSet(dead);
    }
    for (int round = 0; round < 3; round++) {
      int mid = n / 2 + round;
      time(name, "find queued", () -> store.singleJobs().find(jid("q", mid), 50).size());
      time(name, "find dead", () -> store.singleJobs().find(jid("d", mid), 50).size());
      time(name, "find nowhere", () -> store.singleJobs().find("nobody-" + mid, 50).size());
      time(
          name, "delete", () -> store.singleJobs().deleteQueued("big", jid("q", mid + 10)) ? 1 : 0);
      time(
          name,
          "run next",
          () -> store.singleJobs().moveToFront("big", jid("q", mid + 20)) ? 1 : 0);
    }
  }

  private static void time(String store, String what, java.util.function.IntSupplier op) {
    long start = System.nanoTime();
    int result = op.getAsInt();
    System.out.printf(
        "%s %s: %.1f ms (%d)%n", store, what, (System.nanoTime() - start) / 1e6, result);
  }

  private static String jid(String prefix, int i) {
    return prefix + String.format("%023x", i * 2654435761L);
  }

  private static byte[] payload(String jid) {
    return ("{\"jid\":\""
            + jid
            + "\",\"jobtype\":\"SendInvoice\",\"queue\":\"big\",\"args\":[12345,\"customer@example.com\"],"
            + "\"created_at\":\"2030-01-01T00:00:00Z\",\"enqueued_at\":\"2030-01-01T00:00:00Z\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
