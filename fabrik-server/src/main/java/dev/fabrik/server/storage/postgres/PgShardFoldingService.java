package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.storage.StorageException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link PgShardFolding} once at start and then every {@code period} (a minute in a server),
 * on a platform thread of its own (JDBC must not pin the carriers of virtual threads), whatever
 * else the node does: the sharded count tables stay small on a headless cluster too. Every node
 * runs it; a node whose fold finds another node's fold in progress skips its turn ({@link
 * PgShardFolding#fold}), since that fold covers every ended backend's rows, its own included.
 */
final class PgShardFoldingService implements Service {
  private static final Logger LOG = LoggerFactory.getLogger(PgShardFoldingService.class);

  /** How often a server node folds. */
  static final Duration PERIOD = Duration.ofMinutes(1);

  private final PgShardFolding folding;
  private final Duration period;
  private ScheduledExecutorService executor;
  private boolean stopped;

  PgShardFoldingService(PgShardFolding folding, Duration period) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("the folding period must be positive: " + period);
    }
    this.folding = folding;
    this.period = period;
  }

  @Override
  public synchronized void start() {
    if (stopped) {
      throw new IllegalStateException("the shard folding was stopped; make a new one");
    }
    if (executor != null) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("fabrik-pg-folding").daemon(true).factory());
    long ms = period.toMillis();
    executor.scheduleWithFixedDelay(this::foldSafely, 0, ms, TimeUnit.MILLISECONDS);
  }

  private void foldSafely() {
    try {
      folding.fold();
    } catch (StorageException e) {
      // Totals are unchanged by a failed fold (one transaction); the next one picks the rows up.
      LOG.debug("folding the shard rows of ended connections failed; it runs again next period", e);
    } catch (RuntimeException e) {
      // An exception escaping would cancel every later run.
      LOG.warn("folding the shard rows of ended connections failed; it runs again next period", e);
    }
  }

  @Override
  public void stop(Duration timeout) {
    ScheduledExecutorService e;
    synchronized (this) {
      stopped = true;
      e = executor;
      executor = null;
    }
    if (e == null) {
      return;
    }
    e.shutdown();
    try {
      if (!e.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        e.shutdownNow();
      }
    } catch (InterruptedException ie) {
      e.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
