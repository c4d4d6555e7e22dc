package dev.fabrik.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerLoad;
import dev.fabrik.server.workers.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every shared worker table does; each implementation runs it through a subclass. */
public abstract class SharedWorkersContract {
  protected static final Instant T0 = Instant.parse("2026-12-05T21:00:00Z");

  /** A fresh, empty table. */
  protected abstract SharedWorkers shared();

  /** Runs what {@link SharedWorkers#detached} started (an implementation may do it later). */
  protected void detach(SharedWorkers workers, String wid) {
    workers.detached(wid);
  }

  protected static WorkerInfo hello(String wid) {
    return new WorkerInfo(
        wid, "host-" + wid, 42, List.of("blue"), T0, T0, 100, WorkerState.RUNNING, 1);
  }

  @Test
  void helloCreatesTheRecordAndLaterConnectionsCount() {
    SharedWorkers w = shared();
    assertThat(w.shared()).isTrue();
    w.attached(hello("w1"), T0);
    w.attached(hello("w1"), T0.plusSeconds(1));
    assertThat(w.list())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.wid()).isEqualTo("w1");
              assertThat(i.hostname()).isEqualTo("host-w1");
              assertThat(i.pid()).isEqualTo(42);
              assertThat(i.labels()).containsExactly("blue");
              assertThat(i.state()).isEqualTo(WorkerState.RUNNING);
              assertThat(i.connections()).isEqualTo(2);
            });
    detach(w, "w1");
    assertThat(w.list()).singleElement().extracting(WorkerInfo::connections).isEqualTo(1);
    detach(w, "w1");
    assertThat(w.list()).isEmpty();
  }

  @Test
  void aSignalThroughOneNodeIsWhatTheNextBeatAnswers() {
    SharedWorkers w = shared();
    w.attached(hello("w1"), T0);
    assertThat(w.signal("w1", WorkerState.QUIET)).isTrue();
    // The node holding the BEAT still thinks RUNNING; the table is ahead.
    assertThat(w.beat(hello("w1"), 200, null, T0.plusSeconds(5))).isEqualTo(WorkerState.QUIET);
    assertThat(w.list()).singleElement().extracting(WorkerInfo::rssKb).isEqualTo(200L);
  }

  @Test
  void stateOnlyMovesForward() {
    SharedWorkers w = shared();
    w.attached(hello("w1"), T0);
    assertThat(w.beat(hello("w1"), 0, WorkerState.TERMINATE, T0)).isEqualTo(WorkerState.TERMINATE);
    assertThat(w.signal("w1", WorkerState.QUIET)).isTrue();
    assertThat(w.beat(hello("w1"), 0, WorkerState.RUNNING, T0)).isEqualTo(WorkerState.TERMINATE);
    assertThat(w.list())
        .singleElement()
        .extracting(WorkerInfo::state)
        .isEqualTo(WorkerState.TERMINATE);
  }

  @Test
  void signalToAnUnknownWorkerIsFalse() {
    assertThat(shared().signal("nobody", WorkerState.QUIET)).isFalse();
  }

  @Test
  void theLoadOfTheLastBeatIsWhatEveryNodeLists() {
    SharedWorkers w = shared();
    w.attached(hello("w1"), T0);
    assertThat(w.list()).singleElement().extracting(WorkerInfo::load).isEqualTo(WorkerLoad.UNKNOWN);
    w.beat(hello("w1").withLoad(new WorkerLoad(20, 3)), 100, null, T0.plusSeconds(1));
    assertThat(w.signal("w1", WorkerState.QUIET)).isTrue();
    assertThat(w.list())
        .singleElement()
        .extracting(WorkerInfo::load)
        .isEqualTo(new WorkerLoad(20, 3));
    w.beat(hello("w1").withLoad(new WorkerLoad(20, 0)), 100, null, T0.plusSeconds(2));
    assertThat(w.list())
        .singleElement()
        .extracting(WorkerInfo::load)
        .isEqualTo(new WorkerLoad(20, 0));
  }

  @Test
  void aBeatRecreatesARecordExpiredMeanwhile() {
    SharedWorkers w = shared();
    w.attached(hello("w1"), T0);
    assertThat(w.expire(T0.plusSeconds(1))).isEqualTo(1);
    assertThat(w.list()).isEmpty();
    assertThat(w.beat(hello("w1"), 7, null, T0.plusSeconds(2))).isEqualTo(WorkerState.RUNNING);
    assertThat(w.list())
        .singleElement()
        .extracting(WorkerInfo::lastBeat)
        .isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void seenReportsHeartbeatsAndStatesOfKnownWorkersOnly() {
    SharedWorkers w = shared();
    w.attached(hello("w1"), T0);
    w.attached(hello("w2"), T0);
    w.beat(hello("w2"), 0, WorkerState.QUIET, T0.plusSeconds(9));
    assertThat(w.seen(List.of("w1", "w2", "w3")))
        .containsOnlyKeys("w1", "w2")
        .containsEntry("w1", new SharedWorkers.Seen(T0, WorkerState.RUNNING))
        .containsEntry("w2", new SharedWorkers.Seen(T0.plusSeconds(9), WorkerState.QUIET));
    assertThat(w.seen(List.of())).isEmpty();
  }

  @Test
  void expireDeletesOnlyRecordsSilentBeforeTheCutoff() {
    SharedWorkers w = shared();
    w.attached(hello("old"), T0);
    w.attached(hello("new"), T0);
    w.beat(hello("new"), 0, null, T0.plus(Duration.ofSeconds(60)));
    assertThat(w.expire(T0.plusSeconds(60))).isEqualTo(1);
    assertThat(w.list()).extracting(WorkerInfo::wid).containsExactly("new");
    assertThat(w.expire(T0.plusSeconds(60))).isZero();
  }

  @Test
  void concurrentSignalsAndBeatsEndAtTheLatestState() throws Exception {
    SharedWorkers w = shared();
    w.attached(hello("w1"), T0);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done =
          List.of(
              pool.submit(() -> w.signal("w1", WorkerState.TERMINATE)),
              pool.submit(() -> w.beat(hello("w1"), 1, WorkerState.QUIET, T0)),
              pool.submit(() -> w.signal("w1", WorkerState.QUIET)),
              pool.submit(() -> w.beat(hello("w1"), 2, null, T0)));
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(w.list())
        .singleElement()
        .extracting(WorkerInfo::state)
        .isEqualTo(WorkerState.TERMINATE);
  }
}
