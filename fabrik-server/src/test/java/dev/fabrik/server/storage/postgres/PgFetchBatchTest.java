package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Batched FETCH ({@link PgFetchBatcher}, {@link PgReservations#reserveBatch}) on PostgreSQL. */
class PgFetchBatchTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgfetch");

  private final List<PostgresStore> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    open.forEach(PostgresStore::close);
  }

  private static QueuedJob job(String jid, String queue, int priority) {
    return new QueuedJob(
        jid, queue, ("{\"jid\":\"" + jid + "\"}").getBytes(StandardCharsets.UTF_8), priority);
  }

  /** Jids are "p<priority>-<five-digit sequence>" so that their order is readable from them. */
  private static int seq(String jid) {
    return Integer.parseInt(jid.substring(jid.indexOf('-') + 1));
  }

  private static int priority(String jid) {
    return Integer.parseInt(jid.substring(1, jid.indexOf('-')));
  }

  @Test
  void fiftyThreadsOnTwoNodesReserveEveryJobExactlyOnceInPriorityThenFifoOrder() throws Exception {
    PostgresStore a = schemas.newStore();
    open.add(a);
    PostgresStore b = schemas.reopen(a);
    open.add(b);
    List<QueuedJob> jobs = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      int priority = i % 3 == 0 ? 9 : 5;
      jobs.add(job("p" + priority + "-" + String.format("%05d", i), "q", priority));
    }
    a.enqueue(jobs);

    int threads = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Map<String, String> owner = new ConcurrentHashMap<>();
    List<String> duplicates = Collections.synchronizedList(new ArrayList<>());
    List<Future<List<String>>> perThread = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        PostgresStore node = t % 2 == 0 ? a : b;
        String wid = "w" + t;
        perThread.add(
            pool.submit(
                () -> {
                  List<String> got = new ArrayList<>();
                  while (true) {
                    Optional<Reservation> r =
                        node.reserve(List.of("q"), wid, T0, p -> T0.plusSeconds(60));
                    if (r.isEmpty()) {
                      return got;
                    }
                    assertThat(r.get().wid()).isEqualTo(wid);
                    if (owner.putIfAbsent(r.get().jid(), wid) != null) {
                      duplicates.add(r.get().jid());
                    }
                    got.add(r.get().jid());
                  }
                }));
      }
      for (Future<List<String>> f : perThread) {
        List<String> got = f.get();
        // A worker's successive FETCHes: once it saw a job, every job ahead of it (higher
        // priority, or same priority and older) was taken, for good; so what it gets next is
        // never ahead of it.
        for (int i = 1; i < got.size(); i++) {
          String before = got.get(i - 1);
          String after = got.get(i);
          assertThat(priority(after))
              .as(before + " then " + after)
              .isLessThanOrEqualTo(priority(before));
          if (priority(after) == priority(before)) {
            assertThat(seq(after)).as(before + " then " + after).isGreaterThan(seq(before));
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(duplicates).isEmpty();
    assertThat(owner).hasSize(5_000);
    assertThat(a.workingSize()).isEqualTo(5_000);
    assertThat(a.queueSize("q")).isZero();
    // Every reservation is stored with the worker that was told it got the job.
    Map<String, String> stored =
        a.reservations(10_000).stream()
            .collect(Collectors.toMap(Reservation::jid, Reservation::wid));
    assertThat(stored).isEqualTo(owner);
  }

  @Test
  void oneBatchServesRequestsWithDifferentQueueListsAsLoneFetchesWouldInArrivalOrder() {
    PostgresStore store = schemas.newStore();
    open.add(store);
    store.enqueue(
        List.of(
            job("q1-old", "q1", 5),
            job("q2-low", "q2", 1),
            job("q2-high", "q2", 9),
            job("q2-mid", "q2", 5),
            job("q4-only", "q4", 5)));
    Function<byte[], Instant> perJob =
        payload ->
            new String(payload, StandardCharsets.UTF_8).contains("q2-high")
                ? T0.plusSeconds(7)
                : T0.plusSeconds(60);
    PgFetchRequest first = new PgFetchRequest(List.of("q1", "q2"), "w1", T0, perJob);
    PgFetchRequest onlyQ2 = new PgFetchRequest(List.of("q2"), "w2", T0, perJob);
    PgFetchRequest second = new PgFetchRequest(List.of("q1", "q2"), "w3", T0, perJob);
    PgFetchRequest third = new PgFetchRequest(List.of("q1", "q2"), "w4", T0, perJob);
    PgFetchRequest emptyQueue = new PgFetchRequest(List.of("q3"), "w5", T0, perJob);
    PgFetchRequest noQueues = new PgFetchRequest(List.of(), "w6", T0, perJob);
    PgFetchRequest q4 = new PgFetchRequest(List.of("q3", "q4"), "w7", T0, perJob);
    PgFetchRequest q4Again = new PgFetchRequest(List.of("q3", "q4"), "w8", T0, perJob);

    new PgReservations(store.database(), new PgInserts(store.database()))
        .reserveBatch(List.of(first, onlyQ2, second, third, emptyQueue, noQueues, q4, q4Again));

    // [q1,q2] group first (its first request came first): q1's job, then q2's best two.
    assertThat(first.result().join()).map(Reservation::jid).contains("q1-old");
    assertThat(second.result().join()).map(Reservation::jid).contains("q2-high");
    assertThat(second.result().join()).map(Reservation::expiresAt).contains(T0.plusSeconds(7));
    assertThat(third.result().join()).map(Reservation::jid).contains("q2-mid");
    // [q2] group: what the first group left.
    assertThat(onlyQ2.result().join()).map(Reservation::jid).contains("q2-low");
    assertThat(emptyQueue.result().join()).isEmpty();
    assertThat(noQueues.result().join()).isEmpty();
    assertThat(q4.result().join()).map(Reservation::jid).contains("q4-only");
    assertThat(q4Again.result().join()).isEmpty();

    Map<String, Reservation> stored =
        store.reservations(10).stream()
            .collect(Collectors.toMap(Reservation::jid, Function.identity()));
    assertThat(stored).hasSize(5);
    assertThat(stored.get("q1-old").wid()).isEqualTo("w1");
    assertThat(stored.get("q2-high").wid()).isEqualTo("w3");
    assertThat(stored.get("q2-high").expiresAt()).isEqualTo(T0.plusSeconds(7));
    assertThat(stored.get("q2-mid").wid()).isEqualTo("w4");
    assertThat(stored.get("q2-mid").expiresAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(stored.get("q2-low").wid()).isEqualTo("w2");
    assertThat(stored.get("q4-only").wid()).isEqualTo("w7");
    assertThat(store.queueSizes()).containsEntry("q1", 0L).containsEntry("q2", 0L);
    assertThat(store.workingSize()).isEqualTo(5);
  }
}
