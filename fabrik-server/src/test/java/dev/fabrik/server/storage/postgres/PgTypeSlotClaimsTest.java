package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.server.limits.LimitRule.Scope;
import dev.fabrik.server.limits.LimitStore.LostRace;
import dev.fabrik.server.limits.LimitStore.SlotGrant;
import dev.fabrik.server.limits.LimitStore.SlotRule;
import dev.fabrik.server.storage.QueuedJob;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one-statement grant ({@link PgSlotClaims}) under job-type rules and per-worker counts: a job
 * type at its limit is passed over inside its queue, never more holders than the limit between
 * nodes, and a claim that gets only some of its slots keeps none.
 */
class PgTypeSlotClaimsTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Function<byte[], Instant> DEADLINE = p -> T0.plusSeconds(600);
  private static final List<String> Q = List.of("q");
  private static final String SLOW = "jobtype:Slow";

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgtypeslots");

  private final PgStoreNodes nodes = new PgStoreNodes(schemas);

  @AfterEach
  void close() {
    nodes.close();
  }

  private static void enqueue(PostgresStore s, String queue, String type, int n) {
    List<QueuedJob> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String jid = type + "-job-" + String.format("%05d", i);
      String json = "{\"jid\":\"" + jid + "\",\"jobtype\":\"" + type + "\"}";
      jobs.add(new QueuedJob(jid, queue, json.getBytes(StandardCharsets.UTF_8), 5));
    }
    s.enqueue(jobs);
  }

  private static SlotRule slow(int limit) {
    return new SlotRule(Scope.JOBTYPE, "Slow", SLOW, limit, null, 0);
  }

  @Test
  void aJobTypeAtItsLimitIsPassedOverForTheJobsBehindIt() {
    PostgresStore a = nodes.node();
    enqueue(a, "q", "Slow", 2);
    enqueue(a, "q", "Fast", 1);
    List<SlotRule> rules = List.of(slow(1));

    SlotGrant first = a.limits().reserveWithSlot(Q, rules, "w1", T0, DEADLINE);
    SlotGrant second = a.limits().reserveWithSlot(Q, rules, "w2", T0, DEADLINE);
    SlotGrant third = a.limits().reserveWithSlot(Q, rules, "w3", T0, DEADLINE);

    assertThat(first.reservation().jid()).isEqualTo("Slow-job-00000");
    assertThat(first.full()).isEmpty();
    assertThat(second.reservation().jid()).isEqualTo("Fast-job-00000");
    assertThat(second.full()).containsExactly(SLOW);
    assertThat(third.reservation()).isNull();
    assertThat(third.lost()).isFalse();
    assertThat(third.full()).containsExactly(SLOW);
    assertThat(a.limits().inFlight(T0)).containsExactly(Map.entry(SLOW, 1));
    assertThat(a.queueSize("q")).isEqualTo(1);
  }

  @Test
  void nodesRacingForAJobTypesLastSlotsNeverHoldMoreThanTheLimit() throws Exception {
    PostgresStore a = nodes.node();
    PostgresStore b = nodes.node();
    enqueue(a, "q", "Slow", 10);
    enqueue(a, "r", "Slow", 10);
    List<String> queues = List.of("q", "r");

    List<String> granted =
        SlotRacers.race(
            a,
            b,
            SLOW,
            (s, wid) -> s.limits().reserveWithSlot(queues, List.of(slow(3)), wid, T0, DEADLINE));

    assertThat(granted).hasSize(3).doesNotHaveDuplicates();
    assertThat(b.limits().inFlight(T0)).containsExactly(Map.entry(SLOW, 3));
    assertThat(a.workingSize()).isEqualTo(3);
    assertThat(a.queueSize("q") + a.queueSize("r")).isEqualTo(17);
  }

  /**
   * A job under a queue rule and a type rule: its queue slot goes in, then the type's number turns
   * out taken by another node's uncommitted insert. The statement rolls back whole: neither slot,
   * nor the reservation.
   */
  @Test
  void aClaimThatLosesOneOfItsSlotsKeepsNone() throws Exception {
    PostgresStore a = nodes.node();
    enqueue(a, "q", "Slow", 1);
    List<SlotRule> rules = List.of(new SlotRule(Scope.QUEUE, "q", "queue:q", 5, null, 0), slow(1));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Connection other = a.database().connection()) {
      other.setAutoCommit(false);
      long otherPid = backendPid(other);
      try (PreparedStatement p =
          other.prepareStatement(
              a.database()
                  .sql(
                      "INSERT INTO {s}.limit_slots (key, slot, jid, expires_us)"
                          + " VALUES (?, 0, 'elsewhere-0001', ?)"))) {
        p.setString(1, SLOW);
        p.setLong(2, PgTime.micros(T0.plusSeconds(600)));
        p.executeUpdate();
      }
      Future<SlotGrant> claim =
          pool.submit(() -> a.limits().reserveWithSlot(Q, rules, "w1", T0, DEADLINE));
      // The claim waits on the other transaction's row before that one commits.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> waitingFor(a, otherPid) > 0 || claim.isDone());
      other.commit();

      SlotGrant g = claim.get(30, TimeUnit.SECONDS);

      assertThat(g.reservation()).isNull();
      assertThat(g.lostRace()).isEqualTo(LostRace.SAME_NUMBER);
    } finally {
      pool.shutdownNow();
    }
    assertThat(a.limits().inFlight(T0)).containsExactly(Map.entry(SLOW, 1));
    assertThat(a.workingSize()).isZero();
    assertThat(a.queueSize("q")).isEqualTo(1);
  }

  @Test
  void aWorkerCountLimitsEachWorkerApart() {
    PostgresStore a = nodes.node();
    enqueue(a, "q", "Slow", 3);

    SlotGrant w1 = a.limits().reserveWithSlot(Q, List.of(perWorker("w1")), "w1", T0, DEADLINE);
    SlotGrant w1Again = a.limits().reserveWithSlot(Q, List.of(perWorker("w1")), "w1", T0, DEADLINE);
    SlotGrant w2 = a.limits().reserveWithSlot(Q, List.of(perWorker("w2")), "w2", T0, DEADLINE);

    assertThat(w1.reservation().jid()).isEqualTo("Slow-job-00000");
    assertThat(w1Again.reservation()).isNull();
    assertThat(w1Again.full()).containsExactly("queue:q@w1");
    assertThat(w2.reservation().jid()).isEqualTo("Slow-job-00001");
    assertThat(a.limits().inFlight(T0))
        .containsExactly(Map.entry("queue:q@w1", 1), Map.entry("queue:q@w2", 1));
  }

  private static SlotRule perWorker(String wid) {
    return new SlotRule(Scope.QUEUE, "q", "queue:q@" + wid, 1, null, 0);
  }

  private static long backendPid(Connection c) throws Exception {
    try (PreparedStatement p = c.prepareStatement("SELECT pg_backend_pid()");
        ResultSet rs = p.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Sessions waiting for a lock {@code pid} holds. */
  private static int waitingFor(PostgresStore s, long pid) throws Exception {
    try (Connection c = s.database().connection();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE ?::int = ANY(pg_blocking_pids(pid))")) {
      p.setLong(1, pid);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
