package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.StorageException;
import dev.fabrik.server.unique.UniqueClaim;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A PUSHB's thousand jobs in one store write on PostgreSQL: rows, their order within each queue and
 * priority, the queue counts (kept by the INSERT trigger) and all-or-nothing when PostgreSQL
 * refuses one row in the middle; unique bulks keep the jobs whose keys they took.
 */
class PgBulkPushTest {
  private static final int BULK = 1_000;

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgbulk");

  private PostgresStore store;
  private final Instant now = Instant.parse("2026-12-06T06:00:00Z");

  @BeforeEach
  void open() {
    store = schemas.newStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aBulkKeepsPayloadsOrderPrioritiesAndCountsOfEveryQueue() {
    List<QueuedJob> jobs = new ArrayList<>();
    for (int i = 0; i < BULK; i++) {
      // Non-ASCII in jid, queue and payload: stored and handed out byte for byte.
      jobs.add(job("jid-é-" + i, "q" + (i % 3) + "-ü", 1 + i % 9));
    }
    store.push(jobs, List.of());

    assertThat(store.queueSizes())
        .containsEntry("q0-ü", 334L)
        .containsEntry("q1-ü", 333L)
        .containsEntry("q2-ü", 333L);
    // Within a queue: highest priority first, then list order.
    List<QueuedJob> q0 =
        jobs.stream()
            .filter(j -> j.queue().equals("q0-ü"))
            .sorted((a, b) -> Integer.compare(b.priority(), a.priority()))
            .toList();
    for (QueuedJob expected : q0) {
      Reservation r = reserve("q0-ü").orElseThrow();
      assertThat(r.jid()).isEqualTo(expected.jid());
      assertThat(r.payload()).isEqualTo(expected.payload());
    }
    assertThat(reserve("q0-ü")).isEmpty();
    assertThat(store.queueSizes()).containsEntry("q0-ü", 0L).containsEntry("q1-ü", 333L);
  }

  @Test
  void aRowPostgresRefusesInTheMiddleOfABulkKeepsNoneOfIt() {
    List<QueuedJob> jobs = new ArrayList<>();
    for (int i = 0; i < BULK; i++) {
      // A text column cannot hold NUL: PostgreSQL refuses row 500 after taking 499 rows.
      jobs.add(job(i == 500 ? "jid-\u0000-bad" : "jid-" + i, "bulk", 5));
    }
    assertThatThrownBy(() -> store.push(jobs, List.of())).isInstanceOf(StorageException.class);

    assertThat(store.queueSizes().getOrDefault("bulk", 0L)).isZero();
    assertThat(reserve("bulk")).isEmpty();
    // The store goes on: the same bulk without the bad row is stored whole.
    jobs.remove(500);
    store.push(jobs, List.of());
    assertThat(store.queueSizes()).containsEntry("bulk", (long) BULK - 1);
  }

  @Test
  void aUniqueBulkStoresOnlyTheJobsWhoseKeysItTook() {
    List<QueuedJob> first = new ArrayList<>();
    List<UniqueClaim> firstClaims = new ArrayList<>();
    for (int i = 0; i < BULK; i++) {
      QueuedJob j = job("first-" + i, "uniq", 5);
      first.add(j);
      firstClaims.add(new UniqueClaim("key-" + i, j.jid(), now.plusSeconds(600)));
    }
    assertThat(store.uniqueLocks().pushAsync(first, List.of(), firstClaims, now).join()).isEmpty();

    // Half the keys are taken: the second bulk keeps the other half only.
    List<QueuedJob> second = new ArrayList<>();
    List<UniqueClaim> secondClaims = new ArrayList<>();
    for (int i = BULK / 2; i < BULK + BULK / 2; i++) {
      QueuedJob j = job("second-" + i, "uniq", 5);
      second.add(j);
      secondClaims.add(new UniqueClaim("key-" + i, j.jid(), now.plusSeconds(600)));
    }
    Set<String> refused =
        store.uniqueLocks().pushAsync(second, List.of(), secondClaims, now).join();

    List<String> taken = new ArrayList<>();
    for (int i = BULK / 2; i < BULK; i++) {
      taken.add("second-" + i);
    }
    assertThat(refused).containsExactlyInAnyOrderElementsOf(taken);
    assertThat(store.queueSizes()).containsEntry("uniq", (long) BULK + BULK / 2);
  }

  private Optional<Reservation> reserve(String queue) {
    return store.reserve(List.of(queue), "w1", now, p -> now.plusSeconds(60));
  }

  private static QueuedJob job(String jid, String queue, int priority) {
    String json =
        "{\"jid\":\""
            + jid
            + "\",\"jobtype\":\"Bulk\",\"args\":[\"ä\"],\"queue\":\""
            + queue
            + "\"}";
    return new QueuedJob(jid, queue, json.getBytes(StandardCharsets.UTF_8), priority);
  }
}
