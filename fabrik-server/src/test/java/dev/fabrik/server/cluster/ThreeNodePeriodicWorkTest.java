package dev.fabrik.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.config.DatabaseConfig;
import dev.fabrik.server.cron.CronFiles;
import dev.fabrik.server.manager.FailureReport;
import dev.fabrik.server.storage.postgres.PgDatabase;
import dev.fabrik.server.storage.postgres.PgTestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The periodic passes of three servers on one schema, all on one clock the test moves, each pass
 * run on the three nodes at the same instant (a barrier releases them together) while the nodes'
 * own timers may run it too: every due scheduled job and retry is enqueued once, every expired
 * reservation failed once, every cron tick fired once, every expired dead job purged once. The
 * proof is the final state (a job moved twice would be in its queue twice), not only what each pass
 * returned.
 */
class ThreeNodePeriodicWorkTest {
  private static final Instant START = Instant.parse("2026-12-05T18:00:05Z");
  private static final int JOBS = 60;

  @TempDir Path dir;

  private final ManualClock clock = new ManualClock(START);
  private final List<FabrikServer> nodes = new ArrayList<>();
  private final ExecutorService racers = Executors.newFixedThreadPool(3);
  private PgDatabase schema;

  @BeforeEach
  void startThreeNodes() {
    schema = PgTestDatabase.migrated("three_nodes", 2);
    for (int i = 0; i < 3; i++) {
      nodes.add(
          TestServers.start(
              TestServers.config()
                  .storage("postgres")
                  .database(new DatabaseConfig(PgTestDatabase.url(), schema.schema(), 4))
                  .build(),
              clock));
    }
  }

  @AfterEach
  void stop() {
    racers.shutdownNow();
    nodes.forEach(n -> n.stop(Duration.ofSeconds(5)));
    if (schema != null) {
      PgTestDatabase.drop(schema);
      schema.close();
    }
  }

  private FabrikServer node(int i) {
    return nodes.get(i);
  }

  private static String job(String jid, String queue, String extra) {
    // Jids must be at least 8 characters.
    return "{\"jid\":\"jid-0000-"
        + jid
        + "\",\"jobtype\":\"Periodic\",\"args\":[],\"queue\":\""
        + queue
        + "\""
        + extra
        + "}";
  }

  @Test
  void dueScheduledJobsAreEnqueuedOnce() throws Exception {
    String at = Timestamps.format(START.plusSeconds(30));
    for (int i = 0; i < JOBS; i++) {
      node(i % 3)
          .manager()
          .push(JobCodec.decode(job("sched-" + i, "later", ",\"at\":\"" + at + "\"")));
    }
    assertThat(node(0).manager().stats().scheduled()).isEqualTo(JOBS);
    clock.advance(Duration.ofSeconds(31));
    int moved = sum(race(n -> n.manager().maintenance().enqueueScheduled()));
    assertThat(moved).isLessThanOrEqualTo(JOBS);
    drainUntilScheduledIsEmpty();
    assertThat(node(1).manager().stats().queues()).containsEntry("later", (long) JOBS);
    assertThat(distinctFetched("later")).isEqualTo(JOBS);
  }

  @Test
  void dueRetriesAreEnqueuedOnce() throws Exception {
    for (int i = 0; i < JOBS; i++) {
      FabrikServer n = node(i % 3);
      n.manager().push(JobCodec.decode(job("retry-" + i, "flaky", ",\"retry\":5")));
      String jid = JobCodec.decode(n.manager().fetchNow("w", List.of("flaky")).orElseThrow()).jid();
      n.manager().fail(new FailureReport(jid, "Boom", "failed", List.of()));
    }
    assertThat(node(2).manager().stats().retries()).isEqualTo(JOBS);
    clock.advance(Duration.ofDays(1)); // past every first backoff
    int moved = sum(race(n -> n.manager().maintenance().enqueueRetries()));
    assertThat(moved).isLessThanOrEqualTo(JOBS);
    while (node(0).manager().stats().retries() > 0) {
      node(0).manager().maintenance().enqueueRetries();
    }
    assertThat(node(0).manager().stats().queues()).containsEntry("flaky", (long) JOBS);
    assertThat(distinctFetched("flaky")).isEqualTo(JOBS);
  }

  @Test
  void anExpiredReservationIsFailedOnce() throws Exception {
    node(0).manager().push(JobCodec.decode(job("held", "slow", ",\"reserve_for\":60,\"retry\":5")));
    assertThat(node(1).manager().fetchNow("w-gone", List.of("slow"))).isPresent();
    clock.advance(Duration.ofSeconds(61));
    int reaped = sum(race(n -> n.manager().maintenance().reapReservations()));
    // A node's own 5 s timer may have been first; once in all, whoever it was.
    assertThat(reaped).isLessThanOrEqualTo(1);
    assertThat(node(2).manager().stats().working()).isZero();
    assertThat(node(2).manager().stats().retries()).isEqualTo(1);
    assertThat(node(2).manager().stats().totalFailures()).isEqualTo(1);
  }

  @Test
  void eachCronTickFiresOnce() throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf.d"));
    Files.writeString(
        conf.resolve("cron.toml"),
        """
        [[cron]]
          name = "every-ten"
          schedule = "*/10 * * * * *"
          [cron.job]
            type = "Tick"
            queue = "ticks"
        """);
    CronFiles.Loaded loaded = CronFiles.read(dir);
    assertThat(loaded.errors()).isEmpty();
    for (FabrikServer n : nodes) {
      assertThat(n.cron().configure(loaded)).isEmpty();
    }
    for (int tick = 1; tick <= 5; tick++) {
      clock.advance(Duration.ofSeconds(10));
      int fired = sum(race(n -> n.cron().runDue()));
      assertThat(fired).isLessThanOrEqualTo(1);
      assertThat(node(tick % 3).manager().stats().queues().get("ticks"))
          .as("after tick %d", tick)
          .isEqualTo((long) tick);
    }
  }

  @Test
  void expiredDeadJobsArePurgedOnce() throws Exception {
    for (int i = 0; i < JOBS; i++) {
      FabrikServer n = node(i % 3);
      n.manager().push(JobCodec.decode(job("dead-" + i, "doomed", ",\"retry\":-1")));
      String jid =
          JobCodec.decode(n.manager().fetchNow("w", List.of("doomed")).orElseThrow()).jid();
      n.manager().fail(new FailureReport(jid, "Boom", "failed", List.of()));
    }
    assertThat(node(0).manager().stats().dead()).isEqualTo(JOBS);
    clock.advance(Duration.ofDays(365));
    int purged = sum(race(n -> n.manager().maintenance().purgeDead()));
    assertThat(purged).isLessThanOrEqualTo(JOBS);
    assertThat(node(1).manager().stats().dead()).isZero();
  }

  /** The nodes' own timers may still hold due jobs in flight; run passes until none is left. */
  private void drainUntilScheduledIsEmpty() {
    while (node(0).manager().stats().scheduled() > 0) {
      node(0).manager().maintenance().enqueueScheduled();
    }
  }

  /** Fetches and ACKs everything in {@code queue}, round-robin over the nodes; distinct jids. */
  private int distinctFetched(String queue) {
    java.util.Set<String> jids = new java.util.HashSet<>();
    int got = 0;
    for (int i = 0; ; i++) {
      FabrikServer n = node(i % 3);
      var payload = n.manager().fetchNow("w-drain", List.of(queue));
      if (payload.isEmpty()) {
        break;
      }
      String jid = JobCodec.decode(payload.get()).jid();
      jids.add(jid);
      n.manager().ack(jid);
      got++;
    }
    assertThat(got).as("fetched, duplicates included").isEqualTo(jids.size());
    return jids.size();
  }

  private static int sum(List<Integer> counts) {
    return counts.stream().mapToInt(Integer::intValue).sum();
  }

  /** Runs {@code pass} on every node at once; what each returned, in node order. */
  private List<Integer> race(ToIntFunction<FabrikServer> pass) throws Exception {
    CyclicBarrier together = new CyclicBarrier(nodes.size());
    List<Future<Integer>> futures = new ArrayList<>();
    for (FabrikServer n : nodes) {
      Callable<Integer> call =
          () -> {
            together.await();
            return pass.applyAsInt(n);
          };
      futures.add(racers.submit(call));
    }
    List<Integer> out = new ArrayList<>();
    for (Future<Integer> f : futures) {
      out.add(f.get());
    }
    return out;
  }
}
