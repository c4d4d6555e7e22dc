package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.lifecycle.PeriodicService;
import dev.fabrik.server.lifecycle.Service;
import java.time.Duration;

/**
 * Runs {@link PgShardFolding} once at start and then every {@code period} (a minute in a server),
 * on a platform thread of its own, whatever else the node does: the sharded count tables stay small
 * on a headless cluster too. Every node runs it; a node whose fold finds another node's fold in
 * progress skips its turn ({@link PgShardFolding#fold}), since that fold covers every ended
 * backend's rows, its own included. A failed fold changes nothing (one transaction); the next one
 * picks the rows up.
 */
final class PgShardFoldingService implements Service {

  /** How often a server node folds. */
  static final Duration PERIOD = Duration.ofMinutes(1);

  private final PeriodicService runs;

  PgShardFoldingService(PgShardFolding folding, Duration period) {
    this.runs = new PeriodicService("fabrik-pg-folding", Duration.ZERO, period, folding::fold);
  }

  @Override
  public void start() {
    runs.start();
  }

  @Override
  public void stop(Duration timeout) {
    runs.stop(timeout);
  }
}
