package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PgWakeupsTest {
  private final PgDatabase db = PgTestDatabase.migrated("wakeups", 4);
  private final BlockingQueue<String> woken = new LinkedBlockingQueue<>();
  private PgWakeups wakeups;

  @AfterEach
  void close() {
    if (wakeups != null) {
      wakeups.close();
    }
    PgTestDatabase.drop(db);
    db.close();
  }

  /** What any node (or an application's transaction) does: rows in jobs, then COMMIT. */
  private void insertJob(String queue, boolean commit) throws SQLException {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement q =
              c.prepareStatement(
                  db.sql("INSERT INTO {s}.queues (name) VALUES (?) ON CONFLICT DO NOTHING"));
          PreparedStatement j =
              c.prepareStatement(
                  db.sql(
                      "INSERT INTO {s}.jobs (queue, jid, payload) VALUES (?, 'j1', '\\x7b7d')"))) {
        q.setString(1, queue);
        q.executeUpdate();
        j.setString(1, queue);
        j.executeUpdate();
      }
      if (commit) {
        c.commit();
      } else {
        c.rollback();
      }
    }
  }

  private void startListening(Duration poll) {
    wakeups = PgWakeups.start(db, (queue, count) -> woken.add(queue), poll);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(wakeups::listening);
  }

  private void sendSlotNotice(String payload) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement p = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      p.setString(1, db.slotsChannel());
      p.setString(2, payload);
      p.execute();
    }
  }

  @Test
  void anotherNodesSlotNoticeWakesAsManyWaitersAsItFreedSlotsAndOurOwnNone() throws Exception {
    BlockingQueue<String> counted = new LinkedBlockingQueue<>();
    wakeups =
        PgWakeups.start(
            db, (queue, count) -> counted.add(queue + "=" + count), Duration.ofMinutes(5));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(wakeups::listening);

    sendSlotNotice(db.nodeToken() + " 1 mine"); // this node woke its own waiters already
    sendSlotNotice("0123456789abcdef 2 scraper jobs");
    sendSlotNotice("not a notice");
    insertJob("default", true);

    // Notifications arrive in commit order: the enqueue last.
    assertThat(counted.poll(10, TimeUnit.SECONDS)).isEqualTo("scraper jobs=2");
    assertThat(counted.poll(10, TimeUnit.SECONDS)).isEqualTo("default=" + Integer.MAX_VALUE);
    assertThat(counted).isEmpty();
  }

  @Test
  void aCommittedInsertWakesWithinMilliseconds() throws Exception {
    // A long poll, so only the notification can deliver the wake-up in time.
    startListening(Duration.ofMinutes(5));
    long start = System.nanoTime();
    insertJob("critical", true);
    assertThat(woken.poll(1, TimeUnit.SECONDS)).isEqualTo("critical");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void aRolledBackInsertWakesNobody() throws Exception {
    startListening(Duration.ofMinutes(5));
    insertJob("ghost", false);
    insertJob("real", true);
    // Notifications arrive in commit order: "real" first means "ghost" was never sent.
    assertThat(woken.poll(5, TimeUnit.SECONDS)).isEqualTo("real");
    assertThat(woken).isEmpty();
  }

  @Test
  void thePollWakesQueuesWithFetchableJobsWhenNoNotificationCame() throws Exception {
    // The job is there before anyone listens: only the poll (at connect, then each period) finds
    // it.
    insertJob("backlog", true);
    startListening(Duration.ofMillis(200));
    assertThat(woken.poll(5, TimeUnit.SECONDS)).isEqualTo("backlog");
    woken.clear();
    assertThat(woken.poll(5, TimeUnit.SECONDS)).isEqualTo("backlog");
  }

  @Test
  void thePollLeavesOutAQueueWhoseJobsAreAllReserved() throws Exception {
    insertJob("taken", true);
    PgFetchRequest fetch =
        new PgFetchRequest(
            List.of("taken"), "w1", Instant.EPOCH, payload -> Instant.EPOCH.plusSeconds(3_600));
    new PgReservations(db, new PgInserts(db)).reserveBatch(List.of(fetch));
    assertThat(fetch.result().join()).isPresent();
    insertJob("free", true);
    startListening(Duration.ofMillis(200));
    // Three wake-ups of "free": the first two polls have reported every queue they found.
    List<String> seen = new ArrayList<>();
    while (seen.stream().filter("free"::equals).count() < 3) {
      String queue = woken.poll(10, TimeUnit.SECONDS);
      assertThat(queue).as("a poll within 10 s").isNotNull();
      seen.add(queue);
    }
    assertThat(seen).doesNotContain("taken");
  }

  @Test
  void reconnectsAfterTheListenSessionIsKilled() throws Exception {
    startListening(Duration.ofMinutes(5));
    try (Connection c = db.connection();
        PreparedStatement kill =
            c.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE application_name = 'fabrik-listen' AND query LIKE ?")) {
      kill.setString(1, "LISTEN " + db.enqueuedChannel() + "%");
      kill.execute();
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> wakeups.sessions() == 2 && wakeups.listening());
    woken.clear();
    insertJob("after", true);
    assertThat(woken.poll(5, TimeUnit.SECONDS)).isEqualTo("after");
  }

  @Test
  void closeStopsTheThread() {
    startListening(Duration.ofMillis(100));
    wakeups.close();
    assertThat(wakeups.listening()).isFalse();
    wakeups = null;
  }
}
