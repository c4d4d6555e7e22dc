package dev.fabrik.server.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.ManagerSettings;
import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import dev.fabrik.server.workers.WorkerRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** The service on a manual clock: nothing here sleeps; each test moves time and runs a pass. */
class CronServiceTest {
  private static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");

  @TempDir Path dir;

  private final ManualClock clock = new ManualClock(T0);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  private Store memory() {
    Store s = new MemoryStore();
    toClose.add(s);
    return s;
  }

  private Store sqlite() {
    Store s = SqliteStore.open(dir, Durability.PROCESS_CRASH);
    toClose.add(s);
    return s;
  }

  private Manager manager(Store store) {
    return new Manager(
        store,
        new WorkerRegistry(clock),
        clock,
        new ManagerSettings(Duration.ZERO, Duration.ofDays(180), 1_000_000, 1 << 20));
  }

  private CronService service(Store store, Manager manager) {
    CronService s = new CronService(store.cron(), manager::prepareForEnqueue, clock);
    s.startWithoutTimer();
    return s;
  }

  private static ObjectNode definition(String json) {
    return (ObjectNode) JobCodec.MAPPER.readTree(json);
  }

  private static CronEntry entry(String json) {
    return CronDefinitions.parse(definition(json), "test");
  }

  private static final CronEntry EVERY_MINUTE =
      entry(
          """
          {"name":"m","schedule":"* * * * *",
           "job":{"type":"Tick","queue":"cron","args":[1],"custom":{"expires_in":60}}}""");

  @Test
  void firesEachTickOnceAsAnOrdinaryJob() {
    Store store = memory();
    Manager manager = manager(store);
    CronService cron = service(store, manager);
    assertThat(cron.configure(List.of(EVERY_MINUTE))).isEmpty();

    assertThat(cron.runDue()).isZero();
    clock.advance(Duration.ofSeconds(59));
    assertThat(cron.runDue()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(cron.runDue()).isEqualTo(1);
    assertThat(cron.runDue()).isZero();

    Job job = JobCodec.decode(manager.fetchNow("w1", List.of("cron")).orElseThrow());
    assertThat(job.jobtype()).isEqualTo("Tick");
    assertThat(job.args().get(0).asInt()).isEqualTo(1);
    assertThat(job.custom().get("expires_in").asInt()).isEqualTo(60);
    assertThat(job.retry()).isEqualTo(25); // PUSH's defaults apply
    assertThat(job.enqueuedAt()).isNotNull();
    assertThat(job.custom().get("cron").get("id").asString()).isEqualTo("m");
    assertThat(job.custom().get("cron").get("tick").asString()).isEqualTo("2026-06-30T17:01:00Z");

    CronService.View v = cron.view("m").orElseThrow();
    assertThat(v.state().lastJid()).isEqualTo(job.jid());
    assertThat(v.state().lastTick()).isEqualTo(T0.plusSeconds(60));
    assertThat(v.nextFires())
        .containsExactly(T0.plusSeconds(120), T0.plusSeconds(180), T0.plusSeconds(240));
  }

  /** Two services (two nodes) on one store racing every tick: one job per tick. */
  @Test
  void twoServicesOnOneSqliteStoreFireEachTickOnce() throws Exception {
    Store store = sqlite();
    Manager manager = manager(store);
    CronEntry everySecond = entry("{\"schedule\":\"@every 1s\",\"job\":{\"type\":\"S\"}}");
    CronService a = service(store, manager);
    CronService b = service(store, manager);
    a.configure(List.of(everySecond, EVERY_MINUTE));
    b.configure(List.of(everySecond, EVERY_MINUTE));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      int pushed = 0;
      for (int second = 1; second <= 120; second++) {
        clock.advance(Duration.ofSeconds(1));
        CountDownLatch go = new CountDownLatch(1);
        Future<Integer> fa = pool.submit(() -> awaitThen(go, a::runDue));
        Future<Integer> fb = pool.submit(() -> awaitThen(go, b::runDue));
        go.countDown();
        pushed += fa.get() + fb.get();
      }
      // 120 one-second ticks and 2 minute ticks
      assertThat(pushed).isEqualTo(122);
      assertThat(store.queueSize("default")).isEqualTo(120);
      assertThat(store.queueSize("cron")).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }

  private static int awaitThen(CountDownLatch go, java.util.function.IntSupplier pass)
      throws InterruptedException {
    go.await();
    return pass.getAsInt();
  }

  /** A restart after ten minutes down: each policy on the same missed ticks. */
  @Test
  void ticksMissedWhileDownFollowCatchUp() {
    Store store = sqlite();
    Manager manager = manager(store);
    String template =
        "{\"name\":\"%s\",\"schedule\":\"*/2 * * * *\",\"catch_up\":\"%s\","
            + "\"job\":{\"type\":\"T\",\"queue\":\"%s\"}}";
    List<CronEntry> entries = new ArrayList<>();
    for (String policy : List.of("none", "last", "all")) {
      entries.add(entry(template.formatted(policy, policy, policy)));
    }
    CronService before = service(store, manager);
    before.configure(entries);
    clock.advance(Duration.ofMinutes(2));
    assertThat(before.runDue()).isEqualTo(3);
    before.stop(Duration.ofSeconds(1));

    // down from 17:02 to 17:13:30: ticks 17:04 … 17:12 (5) are missed
    clock.advance(Duration.ofSeconds(11 * 60 + 30));
    CronService after = service(store, manager);
    after.configure(entries);
    after.runDue();
    assertThat(store.queueSize("none")).isEqualTo(1);
    assertThat(store.queueSize("last")).isEqualTo(2);
    assertThat(store.queueSize("all")).isEqualTo(6);
    assertThat(after.runDue()).isZero();
    // 17:14 fires for all three as usual
    clock.advance(Duration.ofSeconds(30));
    assertThat(after.runDue()).isEqualTo(3);
  }

  @Test
  void pauseResumeAndRunNow() {
    Store store = memory();
    Manager manager = manager(store);
    CronService cron = service(store, manager);
    cron.configure(List.of(EVERY_MINUTE));
    assertThat(cron.pause("m")).isTrue();
    assertThat(cron.pause("nope")).isFalse();
    clock.advance(Duration.ofMinutes(5));
    assertThat(cron.runDue()).isZero();
    String jid = cron.runNow("m").orElseThrow();
    assertThat(store.queueSize("cron")).isEqualTo(1);
    assertThat(cron.view("m").orElseThrow().state().lastJid()).isEqualTo(jid);

    clock.advance(Duration.ofSeconds(30));
    assertThat(cron.resume("m")).isTrue();
    assertThat(cron.runDue()).isZero(); // ticks passed while paused do not fire
    clock.advance(Duration.ofSeconds(30));
    assertThat(cron.runDue()).isEqualTo(1);
  }

  @Test
  void apiEntriesPersistInTheStore() {
    Store store = sqlite();
    Manager manager = manager(store);
    CronService first = service(store, manager);
    CronEntry added =
        first.add(
            definition(
                "{\"name\":\"api-one\",\"schedule\":\"@every 30s\",\"job\":{\"type\":\"A\"}}"));
    assertThat(added.fromApi()).isTrue();
    first.pause("api-one");

    CronService second = service(store, manager);
    CronService.View v = second.view("api-one").orElseThrow();
    assertThat(v.entry().expression()).isEqualTo("@every 30s");
    assertThat(v.state().paused()).isTrue();
    assertThat(second.remove("api-one")).isTrue();
    assertThat(service(store, manager).list()).isEmpty();
  }

  @Test
  void badJobsAreRefusedWithAReason() {
    Store store = memory();
    CronService cron = service(store, manager(store));
    CronEntry tooLong =
        entry("{\"schedule\":\"@hourly\",\"job\":{\"type\":\"X\",\"reserve_for\":999999}}");
    assertThat(cron.configure(List.of(tooLong, EVERY_MINUTE)))
        .singleElement()
        .asString()
        .contains("reserved for more than one day");
    assertThat(cron.list()).extracting(v -> v.entry().id()).containsExactly("m");
    assertThatThrownBy(() -> cron.add(definition("{\"schedule\":\"@hourly\"}")))
        .hasMessageContaining("job is missing");
    assertThatThrownBy(
            () ->
                cron.add(
                    definition(
                        "{\"name\":\"m\",\"schedule\":\"@hourly\",\"job\":{\"type\":\"X\"}}")))
        .hasMessageContaining("conf.d");
    assertThatThrownBy(() -> cron.remove("m")).hasMessageContaining("conf.d");
  }
}
