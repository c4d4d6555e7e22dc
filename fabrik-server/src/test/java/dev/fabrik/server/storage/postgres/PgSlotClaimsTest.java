package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.limits.LimitRule.Scope;
import dev.fabrik.server.limits.LimitStore.SlotClaim;
import dev.fabrik.server.limits.LimitStore.SlotGrant;
import dev.fabrik.server.limits.LimitStore.SlotRule;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A limited FETCH takes its job and its queue's slot in one statement ({@link PgSlotClaims}): never
 * more holders than the limit between nodes, and a claim rolled back leaves neither behind.
 */
class PgSlotClaimsTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Instant LATER = T0.plusSeconds(600);
  private static final String KEY = "queue:q";
  private static final Function<byte[], Instant> DEADLINE = p -> LATER;

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgslotclaims");

  private final PgStoreNodes nodes = new PgStoreNodes(schemas);

  @AfterEach
  void close() {
    nodes.close();
  }

  private static void enqueue(PostgresStore s, String queue, int n) {
    List<QueuedJob> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String jid = queue + "-job-" + String.format("%05d", i);
      jobs.add(
          new QueuedJob(
              jid, queue, ("{\"jid\":\"" + jid + "\"}").getBytes(StandardCharsets.UTF_8), 5));
    }
    s.enqueue(jobs);
  }

  private static final List<String> Q = List.of("q");

  private static List<SlotRule> limited(int limit) {
    return List.of(queueRule("q", KEY, limit, null, 0));
  }

  private static SlotRule queueRule(
      String queue, String key, int limit, Duration timeout, int taking) {
    return new SlotRule(Scope.QUEUE, queue, key, limit, timeout, taking);
  }

  @Test
  void nodesRacingForTheLastSlotsNeverHoldMoreThanTheLimit() throws Exception {
    PostgresStore a = nodes.node();
    PostgresStore b = nodes.node();
    enqueue(a, "q", 20);

    List<String> granted =
        SlotRacers.race(
            a, b, KEY, (s, wid) -> s.limits().reserveWithSlot(Q, limited(3), wid, T0, DEADLINE));

    assertThat(granted).hasSize(3).doesNotHaveDuplicates();
    assertThat(b.limits().inFlight(T0)).containsExactly(Map.entry(KEY, 3));
    assertThat(a.workingSize()).isEqualTo(3);
    assertThat(slotHolders(a)).containsExactlyInAnyOrderElementsOf(granted);
    assertThat(a.queueSize("q")).isEqualTo(17);
  }

  @Test
  void aRolledBackClaimLeavesNeitherReservationNorSlot() throws Exception {
    PostgresStore a = nodes.node();
    enqueue(a, "q", 1);
    PgSlotClaims claims = new PgSlotClaims(a.database());

    try (Connection c = a.database().connection()) {
      c.setAutoCommit(false);
      SlotGrant g = claims.claim(c, Q, limited(1), "w1", T0, DEADLINE);
      assertThat(g.reservation()).isNotNull();
      c.rollback();
    }

    assertThat(a.workingSize()).isZero();
    assertThat(a.limits().inFlight(T0)).isEmpty();
    assertThat(a.queueSize("q")).isEqualTo(1);
    SlotGrant again = a.limits().reserveWithSlot(Q, limited(1), "w1", T0, DEADLINE);
    assertThat(again.reservation().jid()).isEqualTo("q-job-00000");
  }

  @Test
  void aQueueAtItsLimitIsPassedForTheNextQueueOfTheFetch() {
    PostgresStore a = nodes.node();
    enqueue(a, "q", 2);
    enqueue(a, "other", 1);
    List<String> queues = List.of("q", "other");
    assertThat(
            a.limits().reserveWithSlot(queues, limited(1), "w1", T0, DEADLINE).reservation().jid())
        .isEqualTo("q-job-00000");

    SlotGrant g = a.limits().reserveWithSlot(queues, limited(1), "w2", T0, DEADLINE);

    assertThat(g.reservation().jid()).isEqualTo("other-job-00000");
    assertThat(g.full()).containsExactly(KEY);
    assertThat(a.limits().inFlight(T0)).containsExactly(Map.entry(KEY, 1));
    assertThat(a.queueSize("q")).isEqualTo(1);
  }

  /** Slots other FETCHes of the node are taking count as held: no race for the last one. */
  @Test
  void slotsTheNodeIsTakingElsewhereCountAsHeld() {
    PostgresStore a = nodes.node();
    enqueue(a, "q", 3);
    assertThat(a.limits().reserveWithSlot(Q, limited(3), "w1", T0, DEADLINE).reservation())
        .isNotNull();

    List<SlotRule> twoTaking = List.of(queueRule("q", KEY, 3, null, 2));
    SlotGrant g = a.limits().reserveWithSlot(Q, twoTaking, "w2", T0, DEADLINE);

    assertThat(g.reservation()).isNull();
    assertThat(g.lost()).isFalse();
    assertThat(g.full()).containsExactly(KEY);
    List<SlotRule> oneTaking = List.of(queueRule("q", KEY, 3, null, 1));
    assertThat(a.limits().reserveWithSlot(Q, oneTaking, "w2", T0, DEADLINE).reservation())
        .isNotNull();
  }

  /** Every number held by an expired row (a crashed worker's): left to the usual acquisition. */
  @Test
  void slotsHeldOnlyByExpiredRowsAreReportedLostAndTheJobStaysQueued() {
    PostgresStore a = nodes.node();
    enqueue(a, "q", 1);
    SlotClaim old = new SlotClaim(KEY, 1, T0.minusSeconds(1));
    assertThat(
            a.limits().acquire("crashed-0001", "w0", List.of(old), List.of(), T0.minusSeconds(9)))
        .isTrue();

    SlotGrant g = a.limits().reserveWithSlot(Q, limited(1), "w1", T0, DEADLINE);

    assertThat(g.reservation()).isNull();
    assertThat(g.lost()).isTrue();
    assertThat(a.workingSize()).isZero();
    assertThat(a.queueSize("q")).isEqualTo(1);
  }

  @Test
  void aSlotLastsAsLongAsTheReservationOrItsRulesTimeout() {
    PostgresStore a = nodes.node();
    enqueue(a, "q", 1);
    enqueue(a, "t", 1);
    Instant longer = LATER.plusSeconds(600);
    Function<byte[], Instant> perJob =
        p -> new String(p, StandardCharsets.UTF_8).contains("q-job") ? longer : LATER;

    var r = a.limits().reserveWithSlot(Q, limited(1), "w1", T0, perJob).reservation();
    List<SlotRule> timed = List.of(queueRule("t", "queue:t", 1, Duration.ofSeconds(30), 0));
    a.limits().reserveWithSlot(List.of("t"), timed, "w1", T0, perJob);

    assertThat(r.expiresAt()).isEqualTo(longer);
    assertThat(a.limits().inFlight(LATER.plusSeconds(1))).containsExactly(Map.entry(KEY, 1));
    assertThat(a.limits().inFlight(T0.plusSeconds(29)))
        .containsExactly(Map.entry(KEY, 1), Map.entry("queue:t", 1));
    assertThat(a.limits().inFlight(T0.plusSeconds(31))).containsExactly(Map.entry(KEY, 1));
    assertThat(a.expiredReservations(LATER.plusSeconds(1), 10))
        .extracting(Reservation::jid)
        .containsExactly("t-job-00000");
  }

  private static List<String> slotHolders(PostgresStore s) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = s.database().connection();
        PreparedStatement p =
            c.prepareStatement(s.database().sql("SELECT jid FROM {s}.limit_slots"));
        ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
