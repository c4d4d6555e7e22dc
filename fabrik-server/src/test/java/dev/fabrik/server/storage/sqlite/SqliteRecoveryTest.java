package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reopening rebuilds each queue in FIFO order from runs of consecutive ids, whatever the gaps:
 * queues interleaved in one batch, jobs acked from the middle, and a job requeued to the back.
 */
class SqliteRecoveryTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void reopenedQueuesKeepTheirOrderAcrossGapsAndInterleaving() {
    Map<String, List<String>> expected = new TreeMap<>();
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH, 4096, 0)) {
      List<QueuedJob> batch = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        String queue = i % 3 == 0 ? "a" : i < 1500 ? "b" : "c";
        batch.add(job("j" + i, queue));
      }
      store.enqueue(batch);
      // ack every 7th job of "b" (gaps inside a run), leave a reservation of "c" unacked
      List<String> b = new ArrayList<>();
      for (Optional<Reservation> r = reserve(store, "b"); r.isPresent(); r = reserve(store, "b")) {
        b.add(r.get().jid());
      }
      List<String> bLeft = new ArrayList<>();
      for (int i = 0; i < b.size(); i++) {
        if (i % 7 == 0) {
          store.acknowledge(b.get(i));
        } else {
          bLeft.add(b.get(i));
        }
      }
      Reservation c0 = reserve(store, "c").orElseThrow();
      store.enqueue(List.of(job("late", "a")));
      for (QueuedJob j : batch) {
        expected.computeIfAbsent(j.queue(), q -> new ArrayList<>()).add(j.jid());
      }
      expected.put("b", bLeft);
      expected.get("a").add("late");
      assertThat(c0.jid()).isEqualTo(expected.get("c").getFirst()); // back in "c" after a crash
    }
    // the default cache: fetches now read ahead into it
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      assertThat(store.queueSizes()).containsOnlyKeys("a", "b", "c");
      for (var e : expected.entrySet()) {
        List<String> got = new ArrayList<>();
        for (Optional<Reservation> r = reserve(store, e.getKey());
            r.isPresent();
            r = reserve(store, e.getKey())) {
          got.add(r.get().jid());
          assertThat(new String(r.get().payload(), StandardCharsets.UTF_8))
              .isEqualTo(r.get().jid());
        }
        assertThat(got).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
  }

  private static QueuedJob job(String jid, String queue) {
    return new QueuedJob(jid, queue, jid.getBytes(StandardCharsets.UTF_8));
  }

  private static Optional<Reservation> reserve(SqliteStore store, String queue) {
    return store.reserve(List.of(queue), "w", T0, payload -> T0.plusSeconds(60));
  }
}
