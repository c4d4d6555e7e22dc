package dev.fabrik.server.manager;

import static dev.fabrik.server.manager.Fixture.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.Counters;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A FAIL that asks for a snooze: scheduled again, retry state and counters untouched. */
class ManagerSnoozeTest {
  private final Fixture f = new Fixture();
  private final List<String> heard = new ArrayList<>();

  ManagerSnoozeTest() {
    f.manager.onOutcome(
        new OutcomeListener() {
          @Override
          public void acknowledged(Reservation r) {
            heard.add("ack " + r.jid());
          }

          @Override
          public void failed(Reservation r, boolean expired) {
            heard.add("fail " + r.jid());
          }

          @Override
          public void snoozed(Reservation r, Instant until) {
            heard.add("snoozed " + r.jid() + " until " + until);
          }
        });
  }

  private void pushAndFetch(String jid) throws InterruptedException {
    f.manager.push(job("{\"jid\":\"" + jid + "\",\"jobtype\":\"T\",\"args\":[],\"retry\":2}"));
    assertThat(f.fetchJob("default").jid()).isEqualTo(jid);
  }

  @Test
  void messageFormSchedulesTheJobAndRunsItAgainWhenDue() throws Exception {
    pushAndFetch("snoozed1");
    Instant until = f.clock.instant().plusSeconds(120);

    f.manager.fail(new FailureReport("snoozed1", "Snooze", "snooze 2m", List.of("a.rb:1")));

    SetEntry entry = f.store.scan(SetName.SCHEDULED, null, 10).getFirst();
    assertThat(entry.score()).isEqualTo(until);
    Job waiting = JobCodec.decode(entry.payload());
    assertThat(waiting.failure()).isNull();
    assertThat(waiting.custom().get("snoozes").intValue()).isEqualTo(1);
    assertThat(f.size(SetName.RETRIES)).isZero();
    assertThat(f.store.workingSize()).isZero();
    assertThat(f.store.counters()).isEqualTo(new Counters(0, 0));
    assertThat(heard).containsExactly("snoozed snoozed1 until " + until);

    f.clock.advance(Duration.ofSeconds(119));
    assertThat(f.manager.maintenance().enqueueScheduled()).isZero();
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(f.manager.maintenance().enqueueScheduled()).isEqualTo(1);
    Job again = f.fetchJob("default");
    assertThat(again.jid()).isEqualTo("snoozed1");
    assertThat(again.failure()).isNull();
    f.manager.ack("snoozed1");
    assertThat(f.store.counters()).isEqualTo(new Counters(1, 0));
  }

  @Test
  void fieldFormKeepsAnEarlierFailureAsItWas() throws Exception {
    pushAndFetch("retried1");
    f.manager.fail(new FailureReport("retried1", "E", "boom", List.of()));
    f.clock.advance(Duration.ofMinutes(5));
    f.manager.maintenance().enqueueRetries();
    f.fetchJob("default");

    f.manager.fail(new FailureReport("retried1", "", "", List.of(), 30.0));

    SetEntry entry = f.store.scan(SetName.SCHEDULED, null, 10).getFirst();
    assertThat(entry.score()).isEqualTo(f.clock.instant().plusSeconds(30));
    Job waiting = JobCodec.decode(entry.payload());
    assertThat(waiting.failure().retryCount()).isZero();
    assertThat(waiting.failure().message()).isEqualTo("boom");
    assertThat(f.store.counters()).isEqualTo(new Counters(1, 1));
    assertThat(heard).containsExactly("fail retried1", "snoozed retried1 until " + entry.score());
  }

  @Test
  void badFieldIsRefusedAndTheReservationKept() throws Exception {
    pushAndFetch("refused1");
    assertThatThrownBy(() -> f.manager.fail(new FailureReport("refused1", "", "", null, 0.0)))
        .isInstanceOf(CommandException.class)
        .hasMessageStartingWith("snooze must be a number of seconds above 0");
    assertThat(f.store.workingSize()).isEqualTo(1);
    assertThatThrownBy(() -> f.manager.fail(new FailureReport("nosuchjob", "", "snooze 5", null)))
        .isInstanceOf(CommandException.class)
        .hasMessage("Job not found nosuchjob");
    assertThat(heard).isEmpty();
  }

  @Test
  void aMessageOutOfRangeIsAnOrdinaryFailure() throws Exception {
    pushAndFetch("zeroooo1");
    f.manager.fail(new FailureReport("zeroooo1", "E", "snooze 0", List.of()));
    assertThat(f.size(SetName.RETRIES)).isEqualTo(1);
    assertThat(f.size(SetName.SCHEDULED)).isZero();
    assertThat(heard).containsExactly("fail zeroooo1");
  }
}
