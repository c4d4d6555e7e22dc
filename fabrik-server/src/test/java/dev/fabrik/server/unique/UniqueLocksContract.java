package dev.fabrik.server.unique;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.Store;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store's {@link UniqueLocks} must do. Subclasses open a fresh, empty store. Instants
 * are whole microseconds (durable stores keep epoch micros).
 */
public abstract class UniqueLocksContract {
  protected static final Instant T0 = Instant.parse("2026-07-01T12:00:00Z");

  protected Store store;
  protected UniqueLocks locks;

  protected abstract Store open();

  @BeforeEach
  void openStore() {
    store = open();
    locks = store.uniqueLocks();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static QueuedJob job(String jid) {
    return new QueuedJob(
        jid, "default", ("{\"jid\":\"" + jid + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  protected static UniqueClaim claim(String key, String jid, Duration ttl) {
    return new UniqueClaim(key, jid, T0.plus(ttl));
  }

  @Test
  void aFreeKeyIsTakenTogetherWithItsJob() {
    Set<String> refused =
        locks.push(
            List.of(job("j1")), List.of(), List.of(claim("k", "j1", Duration.ofMinutes(1))), T0);

    assertThat(refused).isEmpty();
    assertThat(store.queueSize("default")).isEqualTo(1);
    assertThat(locks.find("k")).contains(new UniqueLock("k", "j1", T0.plusSeconds(60)));
  }

  @Test
  void aLiveLockRefusesTheDuplicateAndStoresNothingOfIt() {
    locks.push(List.of(job("j1")), List.of(), List.of(claim("k", "j1", Duration.ofMinutes(1))), T0);

    Set<String> refused =
        locks.push(
            List.of(job("j2")),
            List.of(),
            List.of(claim("k", "j2", Duration.ofMinutes(1))),
            T0.plusSeconds(59));

    assertThat(refused).containsExactly("j2");
    assertThat(store.queueSize("default")).isEqualTo(1);
    assertThat(locks.find("k").orElseThrow().jid()).isEqualTo("j1");
  }

  @Test
  void anExpiredLockIsTakenOverAtItsExpiryInstant() {
    locks.push(List.of(job("j1")), List.of(), List.of(claim("k", "j1", Duration.ofMinutes(1))), T0);

    Instant expiry = T0.plusSeconds(60);
    Set<String> refused =
        locks.push(
            List.of(job("j2")),
            List.of(),
            List.of(new UniqueClaim("k", "j2", expiry.plusSeconds(60))),
            expiry);

    assertThat(refused).isEmpty();
    assertThat(store.queueSize("default")).isEqualTo(2);
    assertThat(locks.find("k")).contains(new UniqueLock("k", "j2", expiry.plusSeconds(60)));
  }

  @Test
  void inABatchEachClaimIsDecidedAloneAndJobsWithoutClaimsAreStored() {
    SetEntry scheduledDuplicate =
        new SetEntry(SetName.SCHEDULED, T0.plusSeconds(30), "j4", "default", job("j4").payload());
    SetEntry scheduledOther =
        new SetEntry(SetName.SCHEDULED, T0.plusSeconds(30), "j5", "default", job("j5").payload());
    Set<String> refused =
        locks.push(
            List.of(job("j1"), job("j2"), job("j3")),
            List.of(scheduledDuplicate, scheduledOther),
            List.of(
                claim("a", "j1", Duration.ofMinutes(1)),
                claim("a", "j2", Duration.ofMinutes(1)),
                claim("a", "j4", Duration.ofMinutes(1)),
                claim("b", "j5", Duration.ofMinutes(1))),
            T0);

    assertThat(refused).containsExactlyInAnyOrder("j2", "j4");
    assertThat(store.browse("default", 0, 10))
        .extracting(QueuedJob::jid)
        .containsExactly("j1", "j3");
    assertThat(store.setSize(SetName.SCHEDULED)).isEqualTo(1);
    assertThat(locks.find("a").orElseThrow().jid()).isEqualTo("j1");
    assertThat(locks.find("b").orElseThrow().jid()).isEqualTo("j5");
  }

  @Test
  void onlyTheOwnerReleasesALock() {
    locks.push(List.of(job("j1")), List.of(), List.of(claim("k", "j1", Duration.ofMinutes(1))), T0);

    assertThat(locks.releaseAsync("k", "other").join()).isFalse();
    assertThat(locks.find("k")).isPresent();
    assertThat(locks.releaseAsync("k", "j1").join()).isTrue();
    assertThat(locks.find("k")).isEmpty();
    assertThat(locks.releaseAsync("k", "j1").join()).isFalse();

    Set<String> refused =
        locks.push(
            List.of(job("j2")), List.of(), List.of(claim("k", "j2", Duration.ofMinutes(1))), T0);
    assertThat(refused).isEmpty();
  }

  @Test
  void purgeDeletesOnlyExpiredLocksAndAtMostTheLimit() {
    List<UniqueClaim> claims = new ArrayList<>();
    List<QueuedJob> jobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      jobs.add(job("old" + i));
      claims.add(claim("old" + i, "old" + i, Duration.ofSeconds(10)));
    }
    jobs.add(job("live"));
    claims.add(claim("live", "live", Duration.ofSeconds(100)));
    locks.push(jobs, List.of(), claims, T0);

    assertThat(locks.purgeExpired(T0.plusSeconds(10), 3)).isEqualTo(3);
    assertThat(locks.purgeExpired(T0.plusSeconds(10), 3)).isEqualTo(2);
    assertThat(locks.purgeExpired(T0.plusSeconds(10), 3)).isZero();
    assertThat(locks.size()).isEqualTo(1);
    assertThat(locks.find("live")).isPresent();
  }

  @Test
  void flushForgetsEveryLock() {
    locks.push(List.of(job("j1")), List.of(), List.of(claim("k", "j1", Duration.ofMinutes(1))), T0);

    store.flush();

    assertThat(locks.size()).isZero();
    assertThat(
            locks.push(
                List.of(job("j2")),
                List.of(),
                List.of(claim("k", "j2", Duration.ofMinutes(1))),
                T0))
        .isEmpty();
  }

  @Test
  void concurrentClaimsOfOneKeyStoreExactlyOneJob() throws Exception {
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Set<String>>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String jid = "j" + i;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  CompletableFuture<Set<String>> f =
                      locks.pushAsync(
                          List.of(job(jid)),
                          List.of(),
                          List.of(claim("k", jid, Duration.ofMinutes(1))),
                          T0);
                  return f.join();
                }));
      }
      start.countDown();
      int accepted = 0;
      for (Future<Set<String>> r : results) {
        if (r.get().isEmpty()) {
          accepted++;
        }
      }
      assertThat(accepted).isEqualTo(1);
      assertThat(store.queueSize("default")).isEqualTo(1);
      assertThat(locks.find("k").orElseThrow().jid())
          .isEqualTo(store.browse("default", 0, 1).getFirst().jid());
    } finally {
      pool.shutdownNow();
    }
  }
}
