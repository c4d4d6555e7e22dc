package dev.fabrik.server.storage.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.cron.CronStore;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.StorageException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PgCronStore on its own (the contract on the whole store is PgCronStoreContractTest) and with
 * several nodes claiming the same ticks.
 */
class PgCronStoreTest {
  private static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");

  private PgNodes nodes;
  private final Map<String, Integer> woken = new ConcurrentHashMap<>();

  @AfterEach
  void dropSchema() {
    if (nodes != null) {
      nodes.close();
    }
  }

  private PgCronStore open(int nodeCount) {
    nodes = new PgNodes("cron", nodeCount, 4);
    return cronOn(nodes.node(0));
  }

  private PgCronStore cronOn(PgDatabase db) {
    return new PgCronStore(
        db, new PgInserts(db), (queue, n) -> woken.merge(queue, n, Integer::sum));
  }

  private static QueuedJob job(String jid) {
    return new QueuedJob(jid, "cron-q", ("{\"jid\":\"" + jid + "\"}").getBytes(UTF_8));
  }

  @Test
  void aClaimCommitsTheTickWithItsJobAndWakesThisNodesFetches() {
    PgCronStore cron = open(1);
    cron.ensure(List.of("a"), T0);

    assertThat(cron.claimTick("a", T0, T0.plusSeconds(60), job("j1"))).isTrue();
    assertThat(cron.claimTick("a", T0, T0.plusSeconds(60), job("j2"))).isFalse();
    assertThat(cron.claimTick("a", T0.plusSeconds(60), T0.plusSeconds(120), null)).isTrue();

    assertThat(nodes.queuedJids("cron-q")).containsExactly("j1");
    assertThat(cron.state("a"))
        .contains(
            new CronStore.TickState("a", T0.plusSeconds(120), "j1", T0.plusSeconds(60), false));
    assertThat(woken).containsExactly(Map.entry("cron-q", 1));
  }

  @Test
  void aTickWhoseJobCannotBeStoredIsNotClaimed() throws Exception {
    PgCronStore cron = open(1);
    cron.ensure(List.of("a"), T0);
    PgDatabase db = nodes.node(0);
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute(
          db.sql(
              "CREATE FUNCTION {s}.refuse() RETURNS trigger LANGUAGE plpgsql AS"
                  + " $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"));
      s.execute(
          db.sql(
              "CREATE TRIGGER refuse BEFORE INSERT ON {s}.jobs"
                  + " FOR EACH STATEMENT EXECUTE FUNCTION {s}.refuse()"));
    }

    assertThatThrownBy(() -> cron.claimTick("a", T0, T0.plusSeconds(60), job("j1")))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("refused by the test");
    assertThat(cron.state("a").orElseThrow().lastTick()).isEqualTo(T0);
  }

  @Test
  void ensureFromSeveralNodesAtOnceKeepsTheFirstStateAndReturnsEveryEntry() throws Exception {
    open(3);
    List<PgCronStore> perNode = nodes.all().stream().map(this::cronOn).toList();
    ExecutorService pool = Executors.newFixedThreadPool(perNode.size());
    try {
      List<Future<Map<String, CronStore.TickState>>> results = new ArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      for (int n = 0; n < perNode.size(); n++) {
        PgCronStore cron = perNode.get(n);
        Instant since = T0.plusSeconds(n);
        List<String> ids = n % 2 == 0 ? List.of("a", "b", "c") : List.of("c", "b", "a");
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return cron.ensure(ids, since);
                }));
      }
      go.countDown();
      List<Map<String, CronStore.TickState>> seen = new ArrayList<>();
      for (Future<Map<String, CronStore.TickState>> r : results) {
        seen.add(r.get());
      }
      for (Map<String, CronStore.TickState> s : seen) {
        assertThat(s).containsOnlyKeys("a", "b", "c").isEqualTo(seen.getFirst());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The same ticks claimed from 3 nodes at once: each fires exactly once. */
  @Test
  void threeNodesClaimingTheSameTicksFireEachOnce() throws Exception {
    open(3);
    List<PgCronStore> perNode = nodes.all().stream().map(this::cronOn).toList();
    perNode.getFirst().ensure(List.of("every-minute"), T0);
    ExecutorService pool = Executors.newFixedThreadPool(perNode.size());
    try {
      for (int minute = 1; minute <= 30; minute++) {
        Instant expected = T0.plusSeconds(60L * (minute - 1));
        Instant tick = T0.plusSeconds(60L * minute);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> claims = new ArrayList<>();
        for (int n = 0; n < perNode.size(); n++) {
          PgCronStore cron = perNode.get(n);
          String jid = "m" + minute + "-node" + n;
          claims.add(
              pool.submit(
                  () -> {
                    go.await();
                    return cron.claimTick("every-minute", expected, tick, job(jid));
                  }));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> c : claims) {
          won += c.get() ? 1 : 0;
        }
        assertThat(won).as("minute %d", minute).isEqualTo(1);
      }
      assertThat(nodes.queuedJids("cron-q")).hasSize(30);
      CronStore.TickState s = perNode.get(1).state("every-minute").orElseThrow();
      assertThat(s.lastTick()).isEqualTo(T0.plusSeconds(60 * 30));
      assertThat(nodes.queuedJids("cron-q").getLast()).isEqualTo(s.lastJid());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void pauseResumeRunNowAndEntriesAsTheSqliteStoreDoesThem() {
    PgCronStore cron = open(1);
    cron.runNow("unseen", T0, job("manual"));
    assertThat(cron.state("unseen"))
        .contains(new CronStore.TickState("unseen", T0, "manual", T0, false));

    cron.ensure(List.of("a"), T0);
    cron.pause("a");
    cron.resume("a", T0.minusSeconds(5)); // a clock behind the stored tick never moves it back
    assertThat(cron.state("a").orElseThrow().lastTick()).isEqualTo(T0);
    cron.resume("a", T0.plusSeconds(5)); // not paused any more: nothing changes
    assertThat(cron.state("a").orElseThrow().lastTick()).isEqualTo(T0);

    cron.saveEntry("x", "{\"v\":1}".getBytes(UTF_8));
    cron.saveEntry("y", "{}".getBytes(UTF_8));
    cron.saveEntry("x", "{\"v\":2}".getBytes(UTF_8));
    assertThat(cron.entries())
        .extracting(e -> e.id() + "=" + new String(e.definition(), UTF_8))
        .containsExactly("x={\"v\":2}", "y={}");
    assertThat(cron.removeEntry("y")).isTrue();
    assertThat(cron.removeEntry("y")).isFalse();
    assertThat(cron.states()).containsOnlyKeys("unseen", "a");
  }
}
