package dev.fabrik.bench;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.batch.BatchRecord;
import dev.fabrik.server.batch.BatchStore;
import dev.fabrik.server.batch.Callback;
import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.postgres.PgDatabase;
import dev.fabrik.server.storage.postgres.PgUrl;
import dev.fabrik.server.storage.postgres.PostgresStore;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Cost of the batches' crash-recovery pass ({@code BatchStore.settleVanished}: it runs at every
 * start, and on every node each minute for three minutes after a node sharing the store was lost)
 * with many queued jobs. {@code fill} stores {@code --jobs} plain queued jobs, 10 committed batches
 * of {@code --members / 10} members whose jobs wait queued (pending, so every pass looks them up),
 * and 100 batches whose complete callback is queued (state "1"). {@code time} runs the pass {@code
 * --runs} times and prints each run's wall time ({@code --warm-json 1}: after a first use of the
 * JSON mapper, as in a server that has run a while). Uses only {@code Store} API that older builds
 * have, so the same class times main's jar and a branch's on the same data, interleaved:
 *
 * <pre>
 * java -cp fabrik-bench/target/classes:JAR dev.fabrik.bench.BatchRecoveryCost fill sqlite DIR
 * java -cp fabrik-bench/target/classes:JAR dev.fabrik.bench.BatchRecoveryCost time postgres URL
 * </pre>
 */
public final class BatchRecoveryCost {
  private static final int CHUNK = 5000;

  private BatchRecoveryCost() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println(
          "usage: BatchRecoveryCost fill|time sqlite DIR|postgres URL [--jobs N] [--members N]"
              + " [--runs N]");
      System.exit(2);
    }
    int jobs = option(args, "--jobs", 500_000);
    int members = option(args, "--members", 1000);
    int runs = option(args, "--runs", 3);
    try (Store store = open(args[1], args[2])) {
      if (args[0].equals("fill")) {
        fill(store, jobs, members);
      } else {
        time(store.batches(), runs, option(args, "--warm-json", 0) == 1);
      }
    }
  }

  private static Store open(String kind, String where) {
    if (kind.equals("sqlite")) {
      return SqliteStore.open(Path.of(where), Durability.PROCESS_CRASH);
    }
    return PostgresStore.open(PgDatabase.open(PgUrl.parse(where), PgDatabase.DEFAULT_SCHEMA, 4));
  }

  private static void fill(Store store, int jobs, int members) {
    List<QueuedJob> chunk = new ArrayList<>(CHUNK);
    for (int i = 0; i < jobs; i++) {
      chunk.add(job("plain-" + i, "bulk", null));
      if (chunk.size() == CHUNK) {
        store.enqueue(chunk);
        chunk = new ArrayList<>(CHUNK);
      }
    }
    store.enqueue(chunk);
    BatchStore batches = store.batches();
    Instant now = Instant.now();
    String callback = "{\"jid\":\"%s\",\"jobtype\":\"Done\",\"args\":[],\"queue\":\"callbacks\"}";
    for (int b = 0; b < 10; b++) {
      String bid = "b-pending-" + b;
      batches.create(batch(bid, now, callback.formatted("cb-" + bid)));
      List<QueuedJob> own = new ArrayList<>();
      for (int m = 0; m < members / 10; m++) {
        String jid = bid + "-m" + m;
        batches.join(bid, jid, now).join();
        own.add(job(jid, "members", bid));
      }
      store.enqueue(own);
      batches.commit(bid);
    }
    for (int b = 0; b < 100; b++) {
      String bid = "b-fired-" + b;
      String json = callback.formatted("cb-" + bid);
      batches.create(batch(bid, now, json));
      batches.commit(bid);
      batches.fire(bid, Callback.COMPLETE, job("cb-" + bid, "callbacks", null), now);
    }
    System.out.printf("stored %d plain jobs, %d pending members, 100 callbacks%n", jobs, members);
  }

  private static BatchRecord batch(String bid, Instant now, String complete) {
    return BatchRecord.created(
        bid, null, "cost", now, now.plus(Duration.ofHours(1)), complete, null);
  }

  private static QueuedJob job(String jid, String queue, String bid) {
    String custom = bid == null ? "" : ",\"custom\":{\"bid\":\"" + bid + "\"}";
    String json =
        "{\"jid\":\"%s\",\"jobtype\":\"Import\",\"args\":[\"customer-42\",1234],\"queue\":\"%s\"%s}"
            .formatted(jid, queue, custom);
    return new QueuedJob(jid, queue, json.getBytes(StandardCharsets.UTF_8));
  }

  private static void time(BatchStore batches, int runs, boolean warmJson) {
    if (warmJson) {
      // A running server has used its JSON mapper long before a lost node triggers a pass.
      long start = System.nanoTime();
      JobCodec.MAPPER.writeValueAsString(List.of("warm-up"));
      System.out.printf("json warm-up: %.1f ms%n", (System.nanoTime() - start) / 1e6);
    }
    Instant joinedBefore = Instant.now().plus(Duration.ofHours(1));
    for (int r = 0; r < runs; r++) {
      long start = System.nanoTime();
      int moved = batches.settleVanished(joinedBefore);
      System.out.printf(
          "settleVanished: %.1f ms, %d moved%n", (System.nanoTime() - start) / 1e6, moved);
    }
  }

  private static int option(String[] args, String name, int otherwise) {
    for (int i = 3; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return otherwise;
  }
}
