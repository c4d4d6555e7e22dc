package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.QueuedJob;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two stores on one schema, as two nodes have: what one enqueues, the other hears of. */
class PgCrossNodeWakeupTest {
  private final PgDatabase schema = PgTestDatabase.migrated("cross_wakeup", 1);
  private final PostgresStore a =
      PostgresStore.open(PgDatabase.open(PgTestDatabase.url(), schema.schema(), 2));
  private final PostgresStore b =
      PostgresStore.open(PgDatabase.open(PgTestDatabase.url(), schema.schema(), 2));

  @AfterEach
  void close() {
    a.close();
    b.close();
    PgTestDatabase.drop(schema);
    schema.close();
  }

  @Test
  void anEnqueueOnOneStoreWakesTheOtherAndOnlyTellsItsOwnLocalListeners() throws Exception {
    BlockingQueue<String> elsewhereOnB = new LinkedBlockingQueue<>();
    BlockingQueue<String> localOnB = new LinkedBlockingQueue<>();
    b.onEnqueuedElsewhere((queue, n) -> elsewhereOnB.add(queue));
    b.onEnqueued((queue, n) -> localOnB.add(queue));
    a.enqueue(
        List.of(
            new QueuedJob(
                "jid-cross-0001",
                "mail",
                "{\"jid\":\"jid-cross-0001\"}".getBytes(StandardCharsets.UTF_8))));
    assertThat(elsewhereOnB.poll(5, TimeUnit.SECONDS)).isEqualTo("mail");
    assertThat(localOnB).isEmpty();
    assertThat(
            b.reserve(
                List.of("mail"),
                "w",
                java.time.Instant.now(),
                p -> java.time.Instant.now().plusSeconds(60)))
        .isPresent();
  }

  @Test
  void aSlotFreedOnOneStoreWakesTheOtherNodesWaitersOnItsQueue() throws Exception {
    BlockingQueue<String> elsewhereOnB = new LinkedBlockingQueue<>();
    b.onEnqueuedElsewhere((queue, n) -> elsewhereOnB.add(queue));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(b::listening);
    java.time.Instant now = java.time.Instant.now();
    assertThat(
            a.limits()
                .acquire(
                    "jid-slot-0001",
                    "w",
                    List.of(
                        new dev.fabrik.server.limits.LimitStore.SlotClaim(
                            "queue:scraper", 1, now.plusSeconds(60))),
                    List.of(),
                    now))
        .isTrue();
    a.limits().release("jid-slot-0001", "scraper");
    assertThat(elsewhereOnB.poll(5, TimeUnit.SECONDS)).isEqualTo("scraper");
    assertThat(a.limits().inFlight(now)).isEmpty();
  }
}
