package dev.fabrik.server.unique;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.postgres.PgSchemas;
import dev.fabrik.server.storage.postgres.PostgresStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract on PostgreSQL; locks across a restart of the node; the same key pushed through 4
 * nodes (stores with pools of their own) on one schema.
 */
class PostgresUniqueLocksTest extends UniqueLocksContract {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("uniq");

  @Override
  protected Store open() {
    return schemas.newStore();
  }

  @Test
  void aLockOutlivesARestartOfTheNode() {
    locks.push(List.of(job("j1")), List.of(), List.of(claim("k", "j1", Duration.ofMinutes(1))), T0);
    Store restarted = schemas.reopen((PostgresStore) store);
    store.close();
    store = restarted;
    locks = store.uniqueLocks();

    assertThat(locks.find("k")).contains(new UniqueLock("k", "j1", T0.plusSeconds(60)));
    assertThat(
            locks.push(
                List.of(job("j2")),
                List.of(),
                List.of(claim("k", "j2", Duration.ofMinutes(1))),
                T0))
        .containsExactly("j2");
  }

  @Test
  void oneKeyPushedThroughFourNodesAtOnceStoresOneJob() throws Exception {
    List<PostgresStore> nodes = new ArrayList<>();
    nodes.add((PostgresStore) store);
    for (int i = 1; i < 4; i++) {
      nodes.add(schemas.reopen((PostgresStore) store));
    }
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
    try {
      for (int round = 0; round < 10; round++) {
        String key = "k" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Set<String>>> results = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
          UniqueLocks node = nodes.get(n).uniqueLocks();
          String jid = "r" + round + "-node" + n;
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    return node.push(
                        List.of(job(jid)),
                        List.of(),
                        List.of(claim(key, jid, Duration.ofMinutes(1))),
                        T0);
                  }));
        }
        go.countDown();
        int stored = 0;
        for (Future<Set<String>> r : results) {
          stored += r.get().isEmpty() ? 1 : 0;
        }
        assertThat(stored).as("round %d", round).isEqualTo(1);
        assertThat(nodes.get(3).queueSize("default")).isEqualTo(round + 1);
        String owner = nodes.get(2).uniqueLocks().find(key).orElseThrow().jid();
        assertThat(nodes.get(1).browse("default", round, 1).getFirst().jid()).isEqualTo(owner);
      }
    } finally {
      pool.shutdownNow();
      nodes.subList(1, nodes.size()).forEach(PostgresStore::close);
    }
  }
}
