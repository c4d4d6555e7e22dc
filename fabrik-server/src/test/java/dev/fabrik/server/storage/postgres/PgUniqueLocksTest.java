package dev.fabrik.server.storage.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.StorageException;
import dev.fabrik.server.unique.UniqueClaim;
import dev.fabrik.server.unique.UniqueLock;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PgUniqueLocks on its own (the contract on the whole PostgreSQL store is
 * PgUniqueLocksContractTest) and with several nodes racing on one schema.
 */
class PgUniqueLocksTest {
  private static final Instant T0 = Instant.parse("2026-07-01T12:00:00Z");

  private PgNodes nodes;
  private final Map<String, Integer> woken = new ConcurrentHashMap<>();

  @AfterEach
  void dropSchema() {
    if (nodes != null) {
      nodes.close();
    }
  }

  private PgUniqueLocks open(int nodeCount) {
    nodes = new PgNodes("uq", nodeCount, 4);
    return locksOn(nodes.node(0));
  }

  private PgUniqueLocks locksOn(PgDatabase db) {
    return new PgUniqueLocks(
        db,
        new PgInserts(db),
        new PgBatchJoins(db, System::nanoTime),
        (queue, n) -> woken.merge(queue, n, Integer::sum));
  }

  private static QueuedJob job(String jid) {
    return new QueuedJob(jid, "default", ("{\"jid\":\"" + jid + "\"}").getBytes(UTF_8));
  }

  private static UniqueClaim claim(String key, String jid, long ttlSeconds) {
    return new UniqueClaim(key, jid, T0.plusSeconds(ttlSeconds));
  }

  @Test
  void aClaimCommitsWithItsJobAndWakesThisNodesFetches() {
    PgUniqueLocks locks = open(1);

    Set<String> refused =
        locks.push(List.of(job("j1")), List.of(), List.of(claim("k", "j1", 60)), T0);

    assertThat(refused).isEmpty();
    assertThat(nodes.queuedJids("default")).containsExactly("j1");
    assertThat(locks.find("k")).contains(new UniqueLock("k", "j1", T0.plusSeconds(60)));
    assertThat(woken).containsExactly(Map.entry("default", 1));
  }

  @Test
  void aLiveLockRefusesUntilItsExpiryInstantAndThenIsTakenOver() {
    PgUniqueLocks locks = open(1);
    locks.push(List.of(job("j1")), List.of(), List.of(claim("k", "j1", 60)), T0);

    Instant justBefore = T0.plusSeconds(60).minusNanos(1000);
    assertThat(
            locks.push(List.of(job("j2")), List.of(), List.of(claim("k", "j2", 120)), justBefore))
        .containsExactly("j2");
    assertThat(
            locks.push(
                List.of(job("j3")), List.of(), List.of(claim("k", "j3", 120)), T0.plusSeconds(60)))
        .isEmpty();

    assertThat(nodes.queuedJids("default")).containsExactly("j1", "j3");
    assertThat(locks.find("k")).contains(new UniqueLock("k", "j3", T0.plusSeconds(120)));
    assertThat(woken).containsExactly(Map.entry("default", 2));
  }

  @Test
  void aBatchRefusesASecondClaimOfOneKeyAndKeepsUnclaimedJobsAndEntries() {
    PgUniqueLocks locks = open(1);
    SetEntry claimedTwice = entry("j4");
    SetEntry other = entry("j5");

    Set<String> refused =
        locks.push(
            List.of(job("j1"), job("j2"), job("j3")),
            List.of(claimedTwice, other),
            List.of(
                claim("a", "j1", 60),
                claim("a", "j2", 60),
                claim("a", "j4", 60),
                claim("b", "j5", 60)),
            T0);

    assertThat(refused).containsExactlyInAnyOrder("j2", "j4");
    assertThat(nodes.queuedJids("default")).containsExactly("j1", "j3");
    assertThat(nodes.setJids("scheduled")).containsExactly("j5");
    assertThat(locks.find("a").orElseThrow().jid()).isEqualTo("j1");
    assertThat(locks.find("b").orElseThrow().jid()).isEqualTo("j5");
    assertThat(locks.size()).isEqualTo(2);
  }

  @Test
  void aPushWhoseJobsCannotBeStoredLeavesNoLockBehind() throws Exception {
    PgUniqueLocks locks = open(1);
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

    assertThatThrownBy(
            () -> locks.push(List.of(job("j1")), List.of(), List.of(claim("k", "j1", 60)), T0))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("refused by the test");

    assertThat(locks.find("k")).isEmpty();
    assertThat(locks.size()).isZero();
    assertThat(woken).isEmpty();
  }

  /**
   * Pushes submitted together share a transaction (group commit); one whose job cannot be stored
   * fails alone and takes no lock, the others are stored with theirs.
   */
  @Test
  void aFailingPushInABatchFailsAloneAndTheOthersAreStored() throws Exception {
    PgUniqueLocks locks = open(1);
    PgDatabase db = nodes.node(0);
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute(
          db.sql(
              "CREATE FUNCTION {s}.refuse() RETURNS trigger LANGUAGE plpgsql AS"
                  + " $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"));
      s.execute(
          db.sql(
              "CREATE TRIGGER refuse BEFORE INSERT ON {s}.jobs FOR EACH ROW"
                  + " WHEN (NEW.jid = 'bad') EXECUTE FUNCTION {s}.refuse()"));
    }
    List<CompletableFuture<Set<String>>> pushes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String jid = i == 17 ? "bad" : "j" + i;
      pushes.add(
          locks.pushAsync(List.of(job(jid)), List.of(), List.of(claim("k" + i, jid, 60)), T0));
    }
    // A second claim of a key already claimed above, submitted in the same burst: refused.
    CompletableFuture<Set<String>> duplicate =
        locks.pushAsync(List.of(job("dup")), List.of(), List.of(claim("k3", "dup", 60)), T0);

    for (int i = 0; i < 40; i++) {
      if (i == 17) {
        assertThatThrownBy(pushes.get(i)::join)
            .hasCauseInstanceOf(StorageException.class)
            .hasMessageContaining("refused by the test");
      } else {
        assertThat(pushes.get(i).join()).isEmpty();
      }
    }
    assertThat(duplicate.join()).containsExactly("dup");
    assertThat(nodes.queuedJids("default")).hasSize(39).doesNotContain("bad", "dup");
    assertThat(locks.find("k17")).isEmpty();
    assertThat(locks.size()).isEqualTo(39);
  }

  @Test
  void onlyTheOwnerReleasesAndAReleaseLandsBeforeAPushCalledAfterIt() {
    PgUniqueLocks locks = open(1);
    locks.push(List.of(job("j0")), List.of(), List.of(claim("k", "j0", 600)), T0);
    assertThat(locks.releaseAsync("k", "someone else").join()).isFalse();
    assertThat(locks.find("k").orElseThrow().jid()).isEqualTo("j0");

    // As UniqueJobs.fetched does: the release is not waited for, the next push of the key must
    // still find the key free.
    for (int i = 1; i <= 30; i++) {
      locks.releaseAsync("k", "j" + (i - 1));
      Set<String> refused =
          locks.push(List.of(job("j" + i)), List.of(), List.of(claim("k", "j" + i, 600)), T0);
      assertThat(refused).as("push %d", i).isEmpty();
    }
    assertThat(nodes.queuedJids("default")).hasSize(31);
  }

  @Test
  void purgeDeletesExpiredLocksOnlyAndAtMostTheLimit() {
    PgUniqueLocks locks = open(1);
    List<QueuedJob> jobs = new ArrayList<>();
    List<UniqueClaim> claims = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      jobs.add(job("old" + i));
      claims.add(claim("old" + i, "old" + i, 10 + i));
    }
    jobs.add(job("live"));
    claims.add(claim("live", "live", 100));
    locks.push(jobs, List.of(), claims, T0);

    assertThat(locks.purgeExpired(T0.plusSeconds(13), 3)).isEqualTo(3);
    assertThat(locks.find("old0")).isEmpty();
    assertThat(locks.find("old3")).isPresent(); // expires at +13 s: included next time
    assertThat(locks.purgeExpired(T0.plusSeconds(13), 3)).isEqualTo(1);
    assertThat(locks.purgeExpired(T0.plusSeconds(14), 3)).isEqualTo(1);
    assertThat(locks.purgeExpired(T0.plusSeconds(99), 3)).isZero();
    assertThat(locks.size()).isEqualTo(1);
  }

  /** The same key pushed from 4 nodes at once, over and over: one job per key, always. */
  @Test
  void fourNodesPushingOneKeyStoreExactlyOneJob() throws Exception {
    open(4);
    List<PgUniqueLocks> perNode = nodes.all().stream().map(this::locksOn).toList();
    ExecutorService pool = Executors.newFixedThreadPool(perNode.size());
    try {
      for (int round = 0; round < 20; round++) {
        String key = "key-" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Set<String>>> results = new ArrayList<>();
        for (int n = 0; n < perNode.size(); n++) {
          PgUniqueLocks locks = perNode.get(n);
          String jid = "node" + n + "-" + round;
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    return locks.push(
                        List.of(job(jid)), List.of(), List.of(claim(key, jid, 600)), T0);
                  }));
        }
        go.countDown();
        int stored = 0;
        for (Future<Set<String>> r : results) {
          stored += r.get().isEmpty() ? 1 : 0;
        }
        assertThat(stored).as("round %d", round).isEqualTo(1);
      }
      List<String> queued = nodes.queuedJids("default");
      assertThat(queued).hasSize(20);
      for (int round = 0; round < 20; round++) {
        String owner = perNode.get(round % 4).find("key-" + round).orElseThrow().jid();
        assertThat(queued).contains(owner);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Batches claiming overlapping keys in different orders on several nodes: no deadlock (keys are
   * claimed in sorted order), every key owned by exactly one stored job.
   */
  @Test
  void overlappingBatchesFromSeveralNodesNeverDeadlock() throws Exception {
    open(4);
    List<PgUniqueLocks> perNode = nodes.all().stream().map(this::locksOn).toList();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Set<String>>> pushes = new ArrayList<>();
      for (int b = 0; b < 200; b++) {
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
          keys.add("k" + k);
        }
        Collections.shuffle(keys, new Random(b));
        List<QueuedJob> jobs = new ArrayList<>();
        List<UniqueClaim> claims = new ArrayList<>();
        for (String key : keys) {
          String jid = "b" + b + "-" + key;
          jobs.add(job(jid));
          claims.add(claim(key, jid, 600));
        }
        PgUniqueLocks locks = perNode.get(b % perNode.size());
        pushes.add(() -> locks.push(jobs, List.of(), claims, T0));
      }
      int refused = 0;
      for (Future<Set<String>> f : pool.invokeAll(pushes)) {
        refused += f.get().size();
      }
      List<String> queued = nodes.queuedJids("default");
      assertThat(queued).hasSize(20);
      assertThat(refused).isEqualTo(200 * 20 - 20);
      for (int k = 0; k < 20; k++) {
        assertThat(queued).contains(perNode.getFirst().find("k" + k).orElseThrow().jid());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static SetEntry entry(String jid) {
    return new SetEntry(SetName.SCHEDULED, T0.plusSeconds(30), jid, "default", job(jid).payload());
  }
}
