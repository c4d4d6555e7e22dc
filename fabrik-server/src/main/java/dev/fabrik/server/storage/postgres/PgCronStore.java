package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.cron.CronStore;
import dev.fabrik.server.storage.QueuedJob;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Cron ticks and API entries in {@code {s}.cron_ticks} / {@code {s}.cron_entries}. WORK IN
 * PROGRESS.
 */
final class PgCronStore implements CronStore {
  private final PgDatabase db;
  private final PgInserts inserts;
  private final BiConsumer<String, Integer> enqueued;

  PgCronStore(PgDatabase db, PgInserts inserts, BiConsumer<String, Integer> enqueued) {
    this.db = db;
    this.inserts = inserts;
    this.enqueued = enqueued;
  }

  @Override
  public Map<String, TickState> ensure(Collection<String> entryIds, Instant since) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public Optional<TickState> state(String entryId) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public Map<String, TickState> states() {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public boolean claimTick(String entryId, Instant expectedLastTick, Instant tick, QueuedJob job) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void runNow(String entryId, Instant at, QueuedJob job) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void pause(String entryId) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void resume(String entryId, Instant now) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void saveEntry(String id, byte[] definition) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public boolean removeEntry(String id) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public List<StoredEntry> entries() {
    throw new UnsupportedOperationException("not yet");
  }
}
