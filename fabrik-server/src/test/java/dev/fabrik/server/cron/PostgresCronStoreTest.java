package dev.fabrik.server.cron;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.postgres.PgSchemas;
import dev.fabrik.server.storage.postgres.PostgresStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract on PostgreSQL (a restart is a new store on the same schema), and ticks claimed
 * through 3 nodes at once.
 */
class PostgresCronStoreTest extends CronStoreContract {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("cron");

  @Override
  protected Store open() {
    return schemas.newStore();
  }

  @Override
  protected Optional<Store> reopen() {
    Store restarted = schemas.reopen((PostgresStore) store);
    store.close();
    return Optional.of(restarted);
  }

  @Test
  void eachTickClaimedThroughThreeNodesAtOnceFiresOnce() throws Exception {
    List<PostgresStore> nodes = new ArrayList<>();
    nodes.add((PostgresStore) store);
    for (int i = 1; i < 3; i++) {
      nodes.add(schemas.reopen((PostgresStore) store));
    }
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
    try {
      for (PostgresStore node : nodes) {
        node.cron().ensure(List.of("hourly"), T0.plusSeconds(nodes.indexOf(node)));
      }
      for (int hour = 1; hour <= 12; hour++) {
        Instant expected = T0.plusSeconds(3600L * (hour - 1));
        Instant tick = T0.plusSeconds(3600L * hour);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> claims = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
          CronStore cron = nodes.get(n).cron();
          QueuedJob job =
              new QueuedJob(
                  "h" + hour + "-node" + n,
                  "cron-q",
                  ("{\"jid\":\"h" + hour + "-node" + n + "\"}").getBytes(UTF_8));
          claims.add(
              pool.submit(
                  () -> {
                    go.await();
                    return cron.claimTick("hourly", expected, tick, job);
                  }));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> c : claims) {
          won += c.get() ? 1 : 0;
        }
        assertThat(won).as("hour %d", hour).isEqualTo(1);
      }
      assertThat(nodes.get(1).queueSize("cron-q")).isEqualTo(12);
      CronStore.TickState s = nodes.get(2).cron().state("hourly").orElseThrow();
      assertThat(s.lastTick()).isEqualTo(T0.plusSeconds(3600 * 12));
      assertThat(nodes.get(0).browse("cron-q", 11, 1).getFirst().jid()).isEqualTo(s.lastJid());
    } finally {
      pool.shutdownNow();
      nodes.subList(1, nodes.size()).forEach(PostgresStore::close);
    }
  }
}
