package dev.fabrik.server.web.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerLoad;
import dev.fabrik.server.workers.WorkerState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusyConsoleTest {
  private final ConsoleFixture f = new ConsoleFixture();
  private final BusyConsole busy = f.console.busy();

  private void attach(String wid, String host) {
    f.workers.attach(
        wid,
        new WorkerInfo(wid, host, 42, List.of("ruby"), null, null, 0, WorkerState.RUNNING, 1),
        () -> {});
  }

  @Test
  void reportsWorkersWithJobsInFlightAndHowLongJobsRan() throws Exception {
    attach("w2", "box-b");
    attach("w1", "box-a");
    f.push("jobid-j1", "Slow", "default");
    f.push("jobid-j2", "Fast", "default");
    f.manager.fetch("w1", List.of("default"));
    f.clock.advance(Duration.ofSeconds(30));
    f.manager.fetch("w1", List.of("default"));
    f.clock.advance(Duration.ofSeconds(15));

    BusyReport report = busy.report(100);
    assertThat(report.processes()).extracting(WorkerProcess::wid).containsExactly("w1", "w2");
    assertThat(report.processes().getFirst().jobsInFlight()).isEqualTo(2);
    assertThat(report.processes().getFirst().labels()).containsExactly("ruby");
    assertThat(report.processes().get(1).jobsInFlight()).isZero();
    assertThat(report.working()).isEqualTo(2);
    assertThat(report.jobs())
        .extracting(RunningJob::jid, RunningJob::jobtype, RunningJob::wid, RunningJob::runningFor)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("jobid-j1", "Slow", "w1", Duration.ofSeconds(45)),
            org.assertj.core.groups.Tuple.tuple("jobid-j2", "Fast", "w1", Duration.ofSeconds(15)));
    BusyReport capped = busy.report(1);
    assertThat(capped.jobs()).hasSize(1);
    assertThat(capped.processes().getFirst().jobsInFlight()).isEqualTo(2); // counted, not listed
  }

  @Test
  void aJobWhoseWorkerIsGoneIsMarkedAndCountedUnderNoWorker() throws Exception {
    Runnable close = () -> {};
    f.workers.attach(
        "w1",
        new WorkerInfo("w1", "a", 1, List.of(), null, null, 0, WorkerState.RUNNING, 1),
        close);
    attach("w2", "b");
    f.push("jobid-j1", "Orphan", "default");
    f.push("jobid-j2", "Kept", "default");
    f.push("jobid-j3", "NoWorker", "default");
    f.manager.fetch("w1", List.of("default"));
    f.manager.fetch("w2", List.of("default"));
    f.manager.fetch(null, List.of("default")); // a connection without a wid (a script)
    assertThat(busy.report(100).jobs()).noneMatch(RunningJob::workerGone);

    f.workers.detach("w1", close); // its last connection closed: the process is gone

    BusyReport report = busy.report(100);
    assertThat(report.processes()).extracting(WorkerProcess::wid).containsExactly("w2");
    assertThat(report.jobs())
        .filteredOn(RunningJob::workerGone)
        .extracting(RunningJob::jid, RunningJob::wid)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("jobid-j1", "w1"));
    assertThat(report.processes().getFirst().jobsInFlight()).isEqualTo(1);

    // the heartbeat TTL ends w2 as well
    f.clock.advance(Duration.ofSeconds(61));
    f.workers.reap(Duration.ofSeconds(60));
    assertThat(busy.report(100).jobs())
        .filteredOn(RunningJob::workerGone)
        .extracting(RunningJob::jid)
        .containsExactlyInAnyOrder("jobid-j1", "jobid-j2");
  }

  @Test
  void showsTheConcurrencyAndBusyCountABeatReported() {
    attach("w1", "a");
    attach("w2", "b");
    f.workers.beat("w1", 10, new WorkerLoad(20, 3), null);
    f.workers.beat("w2", 10, null);

    BusyReport report = busy.report(10);
    assertThat(report.processes())
        .extracting(WorkerProcess::wid, WorkerProcess::concurrency, WorkerProcess::busy)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("w1", 20, 3),
            org.assertj.core.groups.Tuple.tuple("w2", -1, -1));

    f.workers.beat("w1", 10, new WorkerLoad(20, 0), null); // the latest beat wins
    assertThat(busy.report(10).processes().getFirst().busy()).isZero();
  }

  @Test
  void signalsOneOrAllWorkers() {
    attach("w1", "a");
    attach("w2", "b");
    assertThat(busy.signal("w1", WorkerState.QUIET)).isEqualTo(1);
    assertThat(f.workers.stateOf("w1")).isEqualTo(WorkerState.QUIET);
    assertThat(f.workers.stateOf("w2")).isEqualTo(WorkerState.RUNNING);
    assertThat(busy.signal(BusyConsole.ALL, WorkerState.TERMINATE)).isEqualTo(2);
    assertThat(f.workers.stateOf("w2")).isEqualTo(WorkerState.TERMINATE);
  }

  @Test
  void unknownWorkerIsNotFoundAndRunningIsRefused() {
    assertThatThrownBy(() -> busy.signal("ghost", WorkerState.QUIET))
        .isInstanceOfSatisfying(
            ConsoleException.class,
            e -> assertThat(e.kind()).isEqualTo(ConsoleException.Kind.NOT_FOUND));
    attach("w1", "a");
    assertThatThrownBy(() -> busy.signal("w1", WorkerState.RUNNING))
        .isInstanceOf(ConsoleException.class);
    assertThat(f.workers.stateOf("w1")).isEqualTo(WorkerState.RUNNING);
  }
}
