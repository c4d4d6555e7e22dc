package dev.fabrik.server.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.ManualClock;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
  void aTrackedJobWhoseQueueWasRemovedIsSettledAfterAQuietMinuteAndPurgedAfterTheRetention() {
    ManualClock clock = new ManualClock(T0);
    try (MemoryStore store = new MemoryStore()) {
      TrackStore tracks = store.tracking();
      Tracker tracker = new Tracker(tracks, (jid, until) -> false, clock);
      TrackPurge purge = new TrackPurge(tracker, Duration.ofMinutes(1));
      byte[] payload =
          "{\"jid\":\"j1\",\"jobtype\":\"T\",\"args\":[]}".getBytes(StandardCharsets.UTF_8);
      store.enqueue(List.of(new QueuedJob("j1", "doomed", payload)));
      tracks.enqueued("j1", T0).join();
      tracks.enqueued("j2", T0).join(); // still queued below
      store.enqueue(List.of(new QueuedJob("j2", "kept", payload)));
      store.remove(List.of("doomed"));

      clock.advance(Duration.ofSeconds(59));
      assertThat(purge.settleAll()).as("changed within the last minute").isZero();
      clock.advance(Duration.ofSeconds(2));
      assertThat(purge.settleAll()).isEqualTo(1);
      assertThat(tracker.get("j1").state()).isEqualTo(TrackState.UNKNOWN);
      assertThat(tracker.get("j2").state()).isEqualTo(TrackState.ENQUEUED);

      clock.advance(Tracker.RETENTION);
      assertThat(purge.purgeAll()).isEqualTo(1);
      assertThat(tracks.get("j1")).isEmpty();
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
