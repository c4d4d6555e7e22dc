package dev.fabrik.server.cron;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.ManagerSettings;
import dev.fabrik.server.storage.postgres.PgSchemas;
import dev.fabrik.server.storage.postgres.PostgresStore;
import dev.fabrik.server.workers.WorkerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.node.ObjectNode;

/**
 * Three server nodes (a store with its own pool, a manager and a cron service each) on one
 * PostgreSQL schema, on one manual clock, running their passes at the same instants: every tick is
 * pushed once in all. Nothing sleeps.
 */
class PostgresCronServiceTest {
  private static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");

  @RegisterExtension final PgSchemas schemas = new PgSchemas("cronsvc");

  private final ManualClock clock = new ManualClock(T0);
  private final List<PostgresStore> stores = new ArrayList<>();
  private final List<CronService> services = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    services.forEach(s -> s.stop(Duration.ofSeconds(1)));
    stores.forEach(PostgresStore::close);
  }

  private CronService node(PostgresStore store) {
    stores.add(store);
    Manager manager =
        new Manager(
            store,
            new WorkerRegistry(clock),
            clock,
            new ManagerSettings(Duration.ZERO, Duration.ofDays(180), 1_000_000, 1 << 20));
    CronService s = new CronService(store.cron(), manager::prepareForEnqueue, clock);
    s.startWithoutTimer();
    services.add(s);
    return s;
  }

  private static CronEntry entry(String json) {
    return CronDefinitions.parse((ObjectNode) JobCodec.MAPPER.readTree(json), "test");
  }

  @Test
  void threeNodesFireEachTickOnce() throws Exception {
    PostgresStore first = schemas.newStore();
    List<CronService> nodes = new ArrayList<>();
    nodes.add(node(first));
    nodes.add(node(schemas.reopen(first)));
    nodes.add(node(schemas.reopen(first)));
    List<CronEntry> entries =
        List.of(
            entry("{\"name\":\"s\",\"schedule\":\"@every 1s\",\"job\":{\"type\":\"S\"}}"),
            entry(
                "{\"name\":\"m\",\"schedule\":\"* * * * *\","
                    + "\"job\":{\"type\":\"M\",\"queue\":\"cron\"}}"));
    for (CronService n : nodes) {
      assertThat(n.configure(entries)).isEmpty();
    }
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
    try {
      int pushed = 0;
      for (int second = 1; second <= 90; second++) {
        clock.advance(Duration.ofSeconds(1));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> passes = new ArrayList<>();
        for (CronService n : nodes) {
          passes.add(pool.submit(() -> awaitThen(go, n::runDue)));
        }
        go.countDown();
        for (Future<Integer> p : passes) {
          pushed += p.get();
        }
      }
      // 90 one-second ticks and 1 minute tick
      assertThat(pushed).isEqualTo(91);
      assertThat(stores.get(1).queueSize("default")).isEqualTo(90);
      assertThat(stores.get(2).queueSize("cron")).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private static int awaitThen(CountDownLatch go, IntSupplier pass) throws InterruptedException {
    go.await();
    return pass.getAsInt();
  }
}
