package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.it.JobFate.Command;
import dev.fabrik.it.JobFate.Where;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

/** The crash loop's per-job model: it must catch each broken promise and allow every legal run. */
class JobFateTest {
  private static final long T = 1_000_000;

  private static JobFate pushed(long at) {
    JobFate fate = new JobFate("fault-00000001", 1, "fault-a", 1, at);
    long bit = fate.begin(Command.PUSH, null, T);
    assertThat(fate.confirmed(Command.PUSH, bit, T)).isTrue();
    return fate;
  }

  private static void act(JobFate fate, Command command, Where target, long now) {
    long bit = fate.begin(command, target, now);
    assertThat(fate.confirmed(command, bit, now)).as("%s OK", command).isTrue();
  }

  @Test
  void anAckedJobDeliveredAgainIsCaughtEvenAcrossAKill() {
    JobFate fate = pushed(0);
    assertThat(fate.delivered(0, T, "FETCH")).isTrue();
    act(fate, Command.ACK, null, T);
    fate.serverKilled(LocalTime.now());

    assertThat(fate.delivered(0, T + 1, "FETCH")).isFalse();
  }

  @Test
  void theKillAfterTheLastAnswerIsBlamed() {
    JobFate fate = new JobFate("fault-00000005", 5, "fault-a", 1, 0, 2); // made after 2 kills
    long bit = fate.begin(Command.PUSH, null, T);
    fate.confirmed(Command.PUSH, bit, T);
    assertThat(fate.killAfterLastAnswer()).isZero();

    fate.serverKilled(LocalTime.now());
    fate.serverKilled(LocalTime.now());
    assertThat(fate.killAfterLastAnswer()).isEqualTo(3);
  }

  @Test
  void anUnansweredAckMayGoEitherWay() {
    JobFate fate = pushed(0);
    fate.delivered(0, T, "FETCH");
    fate.unanswered(Command.ACK, fate.begin(Command.ACK, null, T));
    fate.serverKilled(LocalTime.now());

    assertThat(fate.mayBeAbsent()).isTrue();
    assertThat(fate.delivered(0, T + 1, "FETCH")).isTrue();
  }

  @Test
  void aReservationLostInAKillIsQueuedAgain() {
    JobFate fate = pushed(0);
    fate.delivered(0, T, "FETCH");
    fate.serverKilled(LocalTime.now());

    assertThat(fate.mayBeReserved()).isTrue();
    fate.noReservations();
    assertThat(fate.mayBeReserved()).isFalse();
    assertThat(fate.delivered(0, T + 1, "FETCH")).isTrue();
  }

  @Test
  void aPushAnsweredOkMayNotBeMissingButAnUnansweredOneMay() {
    assertThat(pushed(0).mayBeAbsent()).isFalse();

    JobFate unanswered = new JobFate("fault-00000002", 2, "fault-a", 1, 0);
    unanswered.unanswered(Command.PUSH, unanswered.begin(Command.PUSH, null, T));
    assertThat(unanswered.mayBeAbsent()).isTrue();
    assertThat(unanswered.delivered(0, T, "FETCH")).isTrue();
  }

  @Test
  void aRefusedPushThatTurnsUpIsCaught() {
    JobFate fate = new JobFate("fault-00000003", 3, "fault-a", 1, 0);
    assertThat(fate.refused(Command.PUSH, fate.begin(Command.PUSH, null, T), false)).isTrue();

    assertThat(fate.delivered(0, T, "FETCH")).isFalse();
  }

  @Test
  void aFetchMayOvertakeThePushReply() {
    JobFate fate = new JobFate("fault-00000004", 4, "fault-a", 1, 0);
    long bit = fate.begin(Command.PUSH, null, T);

    assertThat(fate.delivered(0, T, "FETCH")).isTrue();
    assertThat(fate.confirmed(Command.PUSH, bit, T)).isTrue();
  }

  @Test
  void aFailedJobMustComeBackWithItsFailure() {
    JobFate fate = pushed(0);
    fate.delivered(0, T, "FETCH");
    act(fate, Command.FAIL, null, T);
    assertThat(fate.certain().where()).isEqualTo(Where.RETRY);
    fate.serverKilled(LocalTime.now());

    JobFate undone = pushed(0);
    undone.delivered(0, T, "FETCH");
    act(undone, Command.FAIL, null, T);
    undone.serverKilled(LocalTime.now());
    assertThat(undone.delivered(0, T + 1, "FETCH")).as("FAIL lost").isFalse();

    assertThat(fate.delivered(1, T + 1, "FETCH")).as("a retry runs only when due").isFalse();
    JobFate requeued = pushed(0);
    requeued.delivered(0, T, "FETCH");
    act(requeued, Command.FAIL, null, T);
    act(requeued, Command.REQUEUE, Where.RETRY, T + 1);
    assertThat(requeued.delivered(1, T + 2, "FETCH")).isTrue();
  }

  @Test
  void aRetryReachesDeadAndAFailedJobIsNeverAbsent() {
    JobFate fate = pushed(0); // retry 1: the second failure is the last
    fate.delivered(0, T, "FETCH");
    act(fate, Command.FAIL, null, T);
    act(fate, Command.REQUEUE, Where.RETRY, T);
    fate.delivered(1, T, "FETCH");
    act(fate, Command.FAIL, null, T);

    assertThat(fate.certain().where()).isEqualTo(Where.DEAD);
    assertThat(fate.mayBeAbsent()).isFalse();
  }

  @Test
  void aScheduledJobRunsNotBeforeItsAt() {
    JobFate early = pushed(T + 500);
    assertThat(early.delivered(0, T + 499, "FETCH")).isFalse();

    JobFate due = pushed(T + 500);
    assertThat(due.delivered(0, T + 500, "FETCH")).isTrue();
  }

  @Test
  void aMutateMayFindTheJobMovedOnlyIfAnsweredAfterItWasDue() {
    JobFate discarded = pushed(T + 500);
    act(discarded, Command.DISCARD, Where.SCHEDULED, T + 100);
    assertThat(discarded.delivered(0, T + 600, "FETCH")).as("discard undone").isFalse();

    JobFate raced = pushed(T + 500);
    long bit = raced.begin(Command.DISCARD, Where.SCHEDULED, T + 400);
    assertThat(raced.confirmed(Command.DISCARD, bit, T + 700)).isTrue();
    assertThat(raced.delivered(0, T + 800, "FETCH")).as("moved before the discard").isTrue();
  }

  @Test
  void aFailProbeTellsWhetherTheReservationSurvived() {
    JobFate survived = pushed(0);
    survived.delivered(0, T, "FETCH");
    survived.serverKilled(LocalTime.now());
    act(survived, Command.FAIL, null, T);
    assertThat(survived.certain().where()).isEqualTo(Where.RETRY);

    JobFate lost = pushed(0);
    lost.delivered(0, T, "FETCH");
    lost.serverKilled(LocalTime.now());
    assertThat(lost.refused(Command.FAIL, lost.begin(Command.FAIL, null, T), true)).isTrue();
    assertThat(lost.certain().where()).isEqualTo(Where.QUEUED);
  }
}
