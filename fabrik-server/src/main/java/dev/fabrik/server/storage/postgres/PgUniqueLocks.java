package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.unique.UniqueClaim;
import dev.fabrik.server.unique.UniqueLock;
import dev.fabrik.server.unique.UniqueLocks;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/** Unique locks in {@code {s}.unique_locks}. WORK IN PROGRESS. */
final class PgUniqueLocks implements UniqueLocks {
  private final PgDatabase db;
  private final PgInserts inserts;
  private final BiConsumer<String, Integer> enqueued;

  PgUniqueLocks(PgDatabase db, PgInserts inserts, BiConsumer<String, Integer> enqueued) {
    this.db = db;
    this.inserts = inserts;
    this.enqueued = enqueued;
  }

  @Override
  public CompletableFuture<Set<String>> pushAsync(
      List<QueuedJob> jobs, List<SetEntry> entries, List<UniqueClaim> claims, Instant now) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public CompletableFuture<Boolean> releaseAsync(String key, String jid) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public int purgeExpired(Instant now, int limit) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public Optional<UniqueLock> find(String key) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public long size() {
    throw new UnsupportedOperationException("not yet");
  }
}
