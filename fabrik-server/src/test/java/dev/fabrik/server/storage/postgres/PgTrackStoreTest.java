package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.tracking.TrackRecord;
import dev.fabrik.server.tracking.TrackState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PgTrackStore on its own (the contract on the whole store is PgTrackStoreContractTest) and with
 * several nodes writing one schema.
 */
class PgTrackStoreTest {
  private static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");
  private static final Instant LATER = T0.plusSeconds(1800);

  private PgNodes nodes;

  @AfterEach
  void dropSchema() {
    if (nodes != null) {
      nodes.close();
    }
  }

  private PgTrackStore open(int nodeCount) {
    // Enough connections for the writes of one jid to run side by side if nothing ordered them.
    nodes = new PgNodes("trk", nodeCount, 12);
    return new PgTrackStore(nodes.node(0));
  }

  @Test
  void eachWriteIsTheUpsertItsJavadocDescribes() {
    PgTrackStore tracks = open(1);
    tracks.progress("new", 10, null, T0, LATER);
    tracks.enqueued("j", T0);
    tracks.progress("j", 40, "half", T0.plusSeconds(1), LATER);
    tracks.progress("j", null, "still half", T0.plusSeconds(2), LATER);
    tracks.moved("j", TrackState.SUCCESS, T0.plusSeconds(3), LATER);

    assertThat(tracks.getAll(List.of("j", "new", "nobody")))
        .containsOnlyKeys("j", "new")
        .containsEntry(
            "j",
            new TrackRecord("j", TrackState.SUCCESS, 40, "still half", T0.plusSeconds(3), LATER))
        .containsEntry("new", new TrackRecord("new", TrackState.UNKNOWN, 10, null, T0, LATER));

    tracks.enqueued("j", T0.plusSeconds(9));
    assertThat(tracks.get("j"))
        .contains(new TrackRecord("j", TrackState.ENQUEUED, null, null, T0.plusSeconds(9), null));
  }

  /**
   * Many jids written at once, each through a sequence whose last write is known: without the
   * per-jid order the writes would run side by side and land in any order.
   */
  @Test
  void writesOfOneJidLandInCallOrderWhileJidsRunSideBySide() {
    PgTrackStore tracks = open(1);
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    int steps = 100;
    int jids = 3;
    for (int step = 0; step < steps; step++) {
      for (int j = 0; j < jids; j++) {
        TrackState state = step % 2 == 0 ? TrackState.WORKING : TrackState.FAILED;
        writes.add(tracks.moved("j" + j, state, T0.plusSeconds(step), null));
        writes.add(tracks.progress("j" + j, step, "step " + step, T0.plusSeconds(step), LATER));
      }
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    int last = steps - 1;
    for (int j = 0; j < jids; j++) {
      assertThat(tracks.get("j" + j))
          .contains(
              new TrackRecord(
                  "j" + j, TrackState.FAILED, last, "step " + last, T0.plusSeconds(last), null));
    }
  }

  @Test
  void purgersOnSeveralNodesDeleteEachExpiredRecordOnce() throws Exception {
    PgTrackStore first = open(3);
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      writes.add(first.moved("done" + i, TrackState.SUCCESS, T0, T0.plusSeconds(i % 60)));
    }
    writes.add(first.moved("working", TrackState.WORKING, T0, null));
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();

    List<PgTrackStore> perNode = nodes.all().stream().map(PgTrackStore::new).toList();
    List<CompletableFuture<Integer>> purges = new ArrayList<>();
    for (PgTrackStore node : perNode) {
      purges.add(
          CompletableFuture.supplyAsync(
              () -> {
                int total = 0;
                int n;
                do {
                  n = node.purge(T0.plusSeconds(3600), 7);
                  total += n;
                } while (n > 0);
                return total;
              }));
    }
    int purged = 0;
    for (CompletableFuture<Integer> p : purges) {
      purged += p.join();
    }
    assertThat(purged).isEqualTo(300);
    assertThat(first.size()).isEqualTo(1);
  }
}
