package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.limits.LimitStore.SlotGrant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Eight racers on two nodes sharing one schema, released together, each claiming with {@link
 * PgSlotClaims} until it finds {@code fullKey} at its limit (a lost race claims again).
 */
final class SlotRacers {
  private static final int RACERS = 8;

  /** One claim of racer {@code wid} on {@code node}. */
  @FunctionalInterface
  interface Claim {
    SlotGrant claim(PostgresStore node, String wid);
  }

  private SlotRacers() {}

  /** The jids granted to all racers. */
  static List<String> race(PostgresStore a, PostgresStore b, String fullKey, Claim claim)
      throws Exception {
    ConcurrentLinkedQueue<String> granted = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(RACERS);
    try {
      List<Future<?>> racers = new ArrayList<>();
      for (int t = 0; t < RACERS; t++) {
        PostgresStore s = t % 2 == 0 ? a : b;
        String wid = "w" + t;
        racers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 100; i++) {
                    SlotGrant g = claim.claim(s, wid);
                    if (g.reservation() != null) {
                      granted.add(g.reservation().jid());
                    } else if (!g.lost()) {
                      assertThat(g.full()).containsExactly(fullKey);
                      return null;
                    }
                  }
                  throw new AssertionError("never found the limit full");
                }));
      }
      start.countDown();
      for (Future<?> f : racers) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return List.copyOf(granted);
  }
}
