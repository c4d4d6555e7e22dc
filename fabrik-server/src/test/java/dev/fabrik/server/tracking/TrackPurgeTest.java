package dev.fabrik.server.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.ManualClock;
import dev.fabrik.server.storage.memory.MemoryStore;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TrackPurgeTest {
  private static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");

  @Test
  void purgeAllRemovesEveryExpiredRecordInBatchesAndKeepsTheRest() {
    ManualClock clock = new ManualClock(T0);
    try (MemoryStore store = new MemoryStore()) {
      TrackStore tracks = store.tracking();
      for (int i = 0; i < 2500; i++) {
        tracks.moved("done-" + i, TrackState.SUCCESS, T0, T0.plus(Tracker.RETENTION));
      }
      tracks.moved("running", TrackState.WORKING, T0, null);
      TrackPurge purge =
          new TrackPurge(new Tracker(tracks, (jid, until) -> false, clock), Duration.ofMinutes(1));

      assertThat(purge.purgeAll()).isZero();
      clock.advance(Tracker.RETENTION);
      assertThat(purge.purgeAll()).isEqualTo(2500);
      assertThat(tracks.size()).isEqualTo(1);
    }
  }

  @Test
  void stopIsIdempotentAndSafeBeforeStartAndAStoppedPurgeCannotRestart() {
    try (MemoryStore store = new MemoryStore()) {
      TrackPurge purge =
          new TrackPurge(
              new Tracker(store.tracking(), (jid, until) -> false, new ManualClock(T0)),
              Duration.ofMinutes(1));
      purge.stop(Duration.ofSeconds(1));
      purge.stop(Duration.ofSeconds(1));
      assertThatThrownBy(purge::start).isInstanceOf(IllegalStateException.class);
    }
    try (MemoryStore store = new MemoryStore()) {
      TrackPurge purge =
          new TrackPurge(
              new Tracker(store.tracking(), (jid, until) -> false, new ManualClock(T0)),
              Duration.ofMinutes(1));
      purge.start();
      purge.start();
      purge.stop(Duration.ofSeconds(5));
    }
  }
}
