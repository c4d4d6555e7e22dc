package dev.fabrik.server.web.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueConsoleTest {
  private final ConsoleFixture f = new ConsoleFixture();
  private final QueueConsole queues = f.console.queues();

  @Test
  void listsQueuesByNameWithSizeLatencyAndPausedFlag() {
    f.push("jobid-a1", "A", "critical");
    f.clock.advance(Duration.ofSeconds(3));
    f.push("jobid-b1", "B", "bulk");
    f.push("jobid-b2", "B", "bulk");
    f.clock.advance(Duration.ofMillis(1500));
    queues.pause("bulk");
    assertThat(queues.list())
        .containsExactly(
            new QueueSummary("bulk", 2, 1.5, true), new QueueSummary("critical", 1, 4.5, false));
  }

  @Test
  void pagesAQueueFromItsHeadByOffset() {
    for (int i = 0; i < 5; i++) {
      f.push("jobid-0" + i, "T", "default");
    }
    QueueJobs first = queues.jobs("default", 0, 2);
    assertThat(first.jobs()).extracting(JobSummary::jid).containsExactly("jobid-00", "jobid-01");
    assertThat(first.size()).isEqualTo(5);
    assertThat(first.next()).isEqualTo(2L);
    assertThat(first.jobs().getFirst().args()).hasToString("[1,\"x\"]");
    assertThat(first.jobs().getFirst().enqueuedAt()).isEqualTo(f.clock.instant());
    QueueJobs last = queues.jobs("default", 4, 2);
    assertThat(last.jobs()).extracting(JobSummary::jid).containsExactly("jobid-04");
    assertThat(last.next()).isNull();
    assertThat(queues.jobs("default", 0, 100_000).jobs()).hasSize(5); // clamped, not refused
  }

  @Test
  void aQueuePageCarriesTheQueuesLatency() {
    f.push("jobid-00", "T", "default");
    f.clock.advance(Duration.ofSeconds(7));
    f.push("jobid-01", "T", "default");
    QueueJobs page = queues.jobs("default", 1, 10);
    assertThat(page.latencySeconds()).isEqualTo(7.0); // the head's wait, on every page
    assertThat(page.paused()).isFalse();
  }

  @Test
  void aQueuedJobIsFoundAtItsPositionAndCheckedByJid() {
    for (int i = 0; i < 5; i++) {
      f.push("jobid-0" + i, "T" + i, "default");
    }
    QueuedJobDetail d = queues.job("default", 3, "jobid-03");
    assertThat(d.position()).isEqualTo(3);
    assertThat(d.size()).isEqualTo(5);
    assertThat(d.job().jid()).isEqualTo("jobid-03");
    assertThat(d.job().jobtype()).isEqualTo("T3");
    assertThat(d.job().args()).hasToString("[1,\"x\"]");
  }

  @Test
  void aQueuedJobThatMovedUpIsFoundNearbyAndAFetchedOneIsNotFound() throws Exception {
    for (int i = 0; i < 5; i++) {
      f.push("jobid-0" + i, "T", "default");
    }
    // Two workers fetch from the head after the page listed jobid-03 at offset 3.
    f.manager.fetch("w1", List.of("default"));
    f.manager.fetch("w1", List.of("default"));
    assertThat(queues.job("default", 3, "jobid-03").position()).isEqualTo(1);
    // jobid-00 was fetched: not in the queue at all any more.
    assertThatThrownBy(() -> queues.job("default", 0, "jobid-00"))
        .isInstanceOfSatisfying(
            ConsoleException.class,
            e -> assertThat(e.kind()).isEqualTo(ConsoleException.Kind.NOT_FOUND))
        .hasMessage(
            "job jobid-00 is no longer at position 0 of queue default: it may have been fetched");
  }

  @Test
  void theSearchAroundAPositionIsBounded() {
    int n = QueueConsole.SEARCH_BEHIND + QueueConsole.SEARCH_AHEAD + 10;
    for (int i = 0; i < n; i++) {
      f.push(String.format("jobid-%04d", i), "T", "default");
    }
    // Listed far behind where it is now (more moved than the window covers): a 404, not a scan.
    int last = n - 1;
    assertThatThrownBy(
            () ->
                queues.job(
                    "default",
                    last + QueueConsole.SEARCH_BEHIND + 1,
                    String.format("jobid-%04d", last)))
        .isInstanceOf(ConsoleException.class);
    assertThat(
            queues
                .job(
                    "default", last + QueueConsole.SEARCH_BEHIND, String.format("jobid-%04d", last))
                .position())
        .isEqualTo(last);
    // A position short of it by more than the slack ahead is not searched forward without bound.
    assertThatThrownBy(
            () ->
                queues.job(
                    "default",
                    last - QueueConsole.SEARCH_AHEAD - 1,
                    String.format("jobid-%04d", last)))
        .isInstanceOf(ConsoleException.class);
    assertThat(
            queues
                .job("default", last - QueueConsole.SEARCH_AHEAD, String.format("jobid-%04d", last))
                .position())
        .isEqualTo(last);
  }

  @Test
  void badPositionsAndJidsAreBadRequestsAndUnknownQueuesNotFound() {
    f.push("jobid-aa", "T", "q");
    for (Runnable r :
        List.<Runnable>of(
            () -> queues.job("q", -1, "jobid-aa"),
            () -> queues.job("q", 0, null),
            () -> queues.job("q", 0, " "),
            () -> QueueConsole.position("x"),
            () -> QueueConsole.position("-2"),
            () -> QueueConsole.position("99999999999999999999"))) {
      assertThatThrownBy(r::run)
          .isInstanceOfSatisfying(
              ConsoleException.class,
              e -> assertThat(e.kind()).isEqualTo(ConsoleException.Kind.BAD_REQUEST));
    }
    assertThat(QueueConsole.position("0")).isZero();
    assertThatThrownBy(() -> queues.job("nope", 0, "jobid-aa"))
        .isInstanceOfSatisfying(
            ConsoleException.class,
            e -> assertThat(e.kind()).isEqualTo(ConsoleException.Kind.NOT_FOUND))
        .hasMessage("unknown queue nope");
    assertThatThrownBy(() -> queues.job("q", 0, "someone-else"))
        .isInstanceOfSatisfying(
            ConsoleException.class,
            e -> assertThat(e.kind()).isEqualTo(ConsoleException.Kind.NOT_FOUND));
  }

  @Test
  void pauseResumeRemove() {
    f.push("jobid-aa", "T", "q");
    queues.pause("q");
    assertThat(f.store.pausedQueues()).containsExactly("q");
    queues.resume("q");
    assertThat(f.store.pausedQueues()).isEmpty();
    queues.remove("q");
    assertThat(f.store.queueSizes()).doesNotContainKey("q");
  }

  @Test
  void unknownQueuesAndNegativeCursorsAreTypedErrors() {
    for (Runnable r :
        List.<Runnable>of(
            () -> queues.jobs("nope", 0, 10),
            () -> queues.pause("nope"),
            () -> queues.resume("nope"),
            () -> queues.remove("nope"))) {
      assertThatThrownBy(r::run)
          .isInstanceOfSatisfying(
              ConsoleException.class,
              e -> assertThat(e.kind()).isEqualTo(ConsoleException.Kind.NOT_FOUND))
          .hasMessage("unknown queue nope");
    }
    f.push("jobid-aa", "T", "q");
    assertThatThrownBy(() -> queues.jobs("q", -1, 10))
        .isInstanceOfSatisfying(
            ConsoleException.class,
            e -> assertThat(e.kind()).isEqualTo(ConsoleException.Kind.BAD_REQUEST));
  }
}
