package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.limits.LimitStore.SlotClaim;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * An ACK frees the concurrency slots of the run it acknowledges in its own statement ({@link
 * PgAcks}): exact across nodes sharing the database, undone with the ACK, never twice.
 */
class PgAckFreesSlotsTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Instant LATER = T0.plusSeconds(600);
  private static final String KEY = "queue:q";

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgackslots");

  private final PgStoreNodes nodes = new PgStoreNodes(schemas);

  @AfterEach
  void close() {
    nodes.close();
  }

  private PostgresStore node() {
    return nodes.node();
  }

  private static QueuedJob job(String jid, String queue) {
    return new QueuedJob(
        jid, queue, ("{\"jid\":\"" + jid + "\"}").getBytes(StandardCharsets.UTF_8), 5);
  }

  /** Reserves the next job of {@code queue} on {@code s} and takes one of {@code limit} slots. */
  private static Reservation fetchWithSlot(PostgresStore s, String queue, int limit, Instant now) {
    Reservation r = s.reserve(List.of(queue), "w1", now, p -> LATER).orElseThrow();
    SlotClaim claim = new SlotClaim(KEY, limit, now.plusSeconds(1));
    assertThat(s.limits().acquire(r.jid(), "w1", List.of(claim), List.of(), now)).isTrue();
    return r;
  }

  @Test
  void anAckOnAnotherNodeFreesTheSlotInItsOwnStatement() {
    PostgresStore a = node();
    PostgresStore b = node();
    a.enqueue(List.of(job("job-0000001", "q"), job("job-0000002", "q")));
    fetchWithSlot(a, "q", 2, T0);
    fetchWithSlot(a, "q", 2, T0);
    assertThat(b.limits().inFlight(T0)).containsExactly(Map.entry(KEY, 2));

    // No release call: the ACK's answer means the slot is free for every node.
    assertThat(b.acknowledge("job-0000001")).isPresent();

    assertThat(a.limits().inFlight(T0)).containsExactly(Map.entry(KEY, 1));
  }

  @Test
  void aRolledBackAckKeepsTheSlotAndTheReservation() throws Exception {
    PostgresStore a = node();
    a.enqueue(List.of(job("job-0000001", "q")));
    fetchWithSlot(a, "q", 1, T0);

    try (Connection c = a.database().connection()) {
      c.setAutoCommit(false);
      assertThat(new PgAcks(a.database(), true).acknowledgeAll(c, List.of("job-0000001")))
          .containsOnlyKeys("job-0000001");
      c.rollback();
    }

    assertThat(a.limits().inFlight(T0)).containsExactly(Map.entry(KEY, 1));
    assertThat(a.workingSize()).isEqualTo(1);
    assertThat(a.acknowledge("job-0000001")).isPresent();
    assertThat(a.limits().inFlight(T0)).isEmpty();
  }

  @Test
  void aSecondAckFreesNothingMore() {
    PostgresStore a = node();
    a.enqueue(List.of(job("job-0000001", "q"), job("job-0000002", "q")));
    fetchWithSlot(a, "q", 1, T0);
    assertThat(a.acknowledge("job-0000001")).isPresent();
    fetchWithSlot(a, "q", 1, T0); // the freed slot, now job 2's

    assertThat(a.acknowledge("job-0000001")).isEmpty();

    assertThat(a.limits().inFlight(T0)).containsExactly(Map.entry(KEY, 1));
  }

  @Test
  void anAckAfterItsSlotExpiredAndWasTakenOverLeavesTheNewHolder() {
    PostgresStore a = node();
    a.enqueue(List.of(job("job-0000001", "q"), job("job-0000002", "q")));
    fetchWithSlot(a, "q", 1, T0); // its slot expires at T0 + 1 s
    Instant after = T0.plusSeconds(5);
    fetchWithSlot(a, "q", 1, after); // takes the expired slot over

    assertThat(a.acknowledge("job-0000001")).isPresent(); // the slow worker finally answers

    assertThat(a.limits().inFlight(after)).containsExactly(Map.entry(KEY, 1));
    assertThat(a.acknowledge("job-0000002")).isPresent();
    assertThat(a.limits().inFlight(after)).isEmpty();
  }

  @Test
  void onlyAnAckThatFreedASlotSendsANoticeNamingItsQueue() throws Exception {
    PostgresStore a = node();
    a.enqueue(List.of(job("job-0000001", "q"), job("job-0000002", "plain")));
    fetchWithSlot(a, "q", 1, T0);
    a.reserve(List.of("plain"), "w1", T0, p -> LATER).orElseThrow();
    PgDatabase db = a.database();
    try (Connection listener = db.directConnection()) {
      try (Statement s = listener.createStatement()) {
        s.execute("LISTEN " + db.slotsChannel());
      }

      assertThat(a.acknowledge("job-0000002")).isPresent(); // held no slot
      assertThat(a.acknowledge("job-0000001")).isPresent();
      try (Connection c = db.connection();
          PreparedStatement p = c.prepareStatement("SELECT pg_notify(?, 'end')")) {
        p.setString(1, db.slotsChannel());
        p.execute();
      }

      List<String> heard = new ArrayList<>();
      PGConnection pg = listener.unwrap(PGConnection.class);
      while (!heard.contains("end")) {
        PGNotification[] got = pg.getNotifications(30_000);
        assertThat(got).as("notifications within 30 s").isNotEmpty();
        for (PGNotification n : got) {
          heard.add(n.getParameter());
        }
      }
      assertThat(heard).containsExactly(db.nodeToken() + " 1 q", "end");
    }
  }
}
