package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.tracking.TrackRecord;
import dev.fabrik.server.tracking.TrackState;
import dev.fabrik.server.tracking.TrackStore;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Tracking records in {@code {s}.job_tracking}. WORK IN PROGRESS. */
final class PgTrackStore implements TrackStore {
  private final PgDatabase db;

  PgTrackStore(PgDatabase db) {
    this.db = db;
  }

  @Override
  public CompletableFuture<Void> enqueued(String jid, Instant at) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public CompletableFuture<Void> moved(
      String jid, TrackState state, Instant at, Instant expiresAt) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public CompletableFuture<Void> progress(
      String jid, Integer percent, String desc, Instant at, Instant expiresIfNew) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public Optional<TrackRecord> get(String jid) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public Map<String, TrackRecord> getAll(Collection<String> jids) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public int purge(Instant now, int limit) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public long size() {
    throw new UnsupportedOperationException("not yet");
  }
}
