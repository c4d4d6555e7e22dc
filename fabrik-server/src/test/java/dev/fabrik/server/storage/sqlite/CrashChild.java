package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Run in a child JVM by {@link SqliteCrashTest}: fills a store and reports each committed job on
 * stdout until the parent kills it.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    SqliteStore store = SqliteStore.open(Path.of(args[0]), Durability.PROCESS_CRASH);
    store.enqueue(List.of(job("p0", "paused-q")));
    store.pause(List.of("paused-q"));
    store.addToSet(SetName.DEAD, Instant.ofEpochSecond(1_900_000_000L), job("dead1", "q"));
    store.enqueue(List.of(job("acked", "q")));
    store.reserve(List.of("q"), "w", Instant.EPOCH, payload -> Instant.EPOCH.plusSeconds(60));
    store.acknowledge("acked");
    System.out.println("ready");
    System.out.flush();
    for (int i = 0; ; i++) {
      store.enqueue(List.of(job("j" + i, "q")));
      if (i % 3 == 0) {
        store.reserve(List.of("q"), "w", Instant.EPOCH, payload -> Instant.EPOCH.plusSeconds(60));
      }
      System.out.println("committed " + i);
      System.out.flush();
    }
  }

  static QueuedJob job(String jid, String queue) {
    return new QueuedJob(
        jid, queue, ("{\"jid\":\"" + jid + "\"}").getBytes(StandardCharsets.UTF_8));
  }
}
