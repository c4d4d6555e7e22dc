package dev.fabrik.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.limits.LimitRule.Scope;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.storage.postgres.PgSchemas;
import dev.fabrik.server.storage.postgres.PostgresStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many workers (threads, each its own wid) FETCH, work and ACK at once: the jobs they hold at any
 * moment never exceed the limit, and do reach it. The in-flight count goes up after FETCH returned
 * and down before the ACK, so it never counts more than the slots held.
 *
 * <p>On a loaded machine the workers may never happen to overlap, so until the limit has been seen
 * reached once, a worker holding a job waits (up to {@link #FILL_WAIT_NANOS}) for the others to
 * fill the remaining slots: a store that grants fewer than the limit still fails, after the wait.
 */
class ConcurrencyLimitStressTest {
  private static final int LIMIT = 3;
  private static final int JOBS = 60;
  private static final int WORKERS = 8;
  private static final long FILL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  @RegisterExtension final PgSchemas schemas = new PgSchemas("limitstress");

  private static LimitRule rule() {
    return new LimitRule(Scope.JOBTYPE, "Hot", LIMIT, 0, null, 0, null, null);
  }

  @Test
  void oneNodeInMemory() throws Exception {
    try (LimitFixture node = new LimitFixture(new MemoryStore(), rule())) {
      assertThat(run(List.of(node))).isEqualTo(LIMIT);
    }
  }

  @Test
  void twoNodesOnOnePostgresDatabase() throws Exception {
    PostgresStore first = schemas.newStore();
    try (LimitFixture a = new LimitFixture(first, rule());
        LimitFixture b = new LimitFixture(schemas.reopen(first), rule())) {
      assertThat(run(List.of(a, b))).isEqualTo(LIMIT);
    }
  }

  /** Runs the workers; returns the most jobs seen in flight at once. */
  private static int run(List<LimitFixture> nodes) throws Exception {
    for (int i = 0; i < JOBS; i++) {
      nodes.get(i % nodes.size()).push("hot-" + i, "default", "Hot");
    }
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxSeen = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicBoolean filledOnce = new AtomicBoolean();
    ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    try {
      List<Future<?>> workers = new ArrayList<>();
      IntFunction<Runnable> worker =
          w ->
              () -> {
                int turn = 0;
                while (done.get() < JOBS) {
                  LimitFixture node = nodes.get(turn++ % nodes.size());
                  Optional<String> jid = node.fetch("w" + w, "default");
                  if (jid.isEmpty()) {
                    Thread.onSpinWait();
                    continue;
                  }
                  int now = inFlight.incrementAndGet();
                  maxSeen.accumulateAndGet(now, Math::max);
                  assertThat(seen.putIfAbsent(jid.get(), true)).isNull();
                  long giveUp = System.nanoTime() + FILL_WAIT_NANOS;
                  while (!filledOnce.get() && System.nanoTime() - giveUp < 0) {
                    if (inFlight.get() >= LIMIT) {
                      filledOnce.set(true);
                    }
                    Thread.onSpinWait();
                  }
                  filledOnce.set(true); // reached, or given up: the assertion on maxSeen decides
                  for (int spin = 0; spin < 20_000; spin++) {
                    Thread.onSpinWait(); // the work: hold the slot a little while
                  }
                  inFlight.decrementAndGet();
                  node.manager.ack(LimitFixture.PREFIX + jid.get());
                  done.incrementAndGet();
                }
              };
      for (int w = 0; w < WORKERS; w++) {
        workers.add(pool.submit(worker.apply(w)));
      }
      for (Future<?> f : workers) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(seen).hasSize(JOBS);
    assertThat(maxSeen.get()).isLessThanOrEqualTo(LIMIT);
    return maxSeen.get();
  }
}
