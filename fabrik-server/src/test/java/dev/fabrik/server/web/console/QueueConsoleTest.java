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
