package dev.fabrik.server.manager;

import static dev.fabrik.server.manager.Fixture.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.SetName;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Spec §3.11; checklist 27–35 (the reference's mutate_test sequence). */
class ManagerMutateTest {
  private final Fixture f = new Fixture();
  private String at;

  @BeforeEach
  void fourScheduledOneEnqueued() {
    at = Timestamps.format(f.clock.instant().plusSeconds(10));
    push("job00001", "SomeJob", "[\"truid:67123\"]");
    push("job00002", "SomeJob", "[\"trid:67123\"]");
    push("job00003", "AnotherJob", "[1]");
    push("job00004", "FourthJob", "[2]");
    f.manager.push(job("job00005", "T", "default"));
  }

  private void push(String jid, String jobtype, String args) {
    f.manager.push(
        job(
            "{\"jid\":\""
                + jid
                + "\",\"jobtype\":\""
                + jobtype
                + "\",\"args\":"
                + args
                + ",\"at\":\""
                + at
                + "\"}"));
  }

  private void mutate(String cmd, String target, MutateRequest.Filter filter) {
    f.manager.sets().mutate(new MutateRequest(cmd, target, filter));
  }

  private static MutateRequest.Filter filter(List<String> jids, String regexp, String jobtype) {
    return new MutateRequest.Filter(jids, regexp, jobtype);
  }

  @Test
  void theReferenceSequence() {
    mutate("clear", "retries", null);
    assertThat(f.size(SetName.SCHEDULED)).isEqualTo(4);
    assertThat(f.size("default")).isEqualTo(1);

    mutate("discard", "scheduled", filter(null, "*uid:67123*", "SomeJob"));
    assertThat(f.size(SetName.SCHEDULED)).isEqualTo(3);
    assertThat(f.store.scan(SetName.SCHEDULED, null, 10))
        .extracting(e -> e.jid())
        .containsExactlyInAnyOrder("job00002", "job00003", "job00004");

    mutate("kill", "scheduled", filter(null, null, "AnotherJob"));
    assertThat(f.size(SetName.SCHEDULED)).isEqualTo(2);
    assertThat(f.size(SetName.DEAD)).isEqualTo(1);
    var dead = f.store.scan(SetName.DEAD, null, 1).getFirst();
    assertThat(dead.score()).isEqualTo(f.clock.instant().plus(Duration.ofDays(180)));

    assertThatThrownBy(() -> mutate("kill", "", null))
        .isInstanceOf(CommandException.class)
        .hasMessage("invalid target for mutation command");

    mutate("requeue", "scheduled", filter(List.of("job00004"), null, null));
    assertThat(f.size(SetName.SCHEDULED)).isEqualTo(1);
    assertThat(f.size("default")).isEqualTo(2);

    mutate("clear", "dead", null);
    assertThat(f.size(SetName.DEAD)).isZero();

    // jids override jobtype: nothing matches
    mutate("kill", "scheduled", filter(List.of("nosuchjid"), null, "SomeJob"));
    assertThat(f.size(SetName.SCHEDULED)).isEqualTo(1);
    assertThat(f.size(SetName.DEAD)).isZero();

    mutate("kill", "scheduled", filter(null, null, "SomeJob"));
    assertThat(f.size(SetName.DEAD)).isEqualTo(1);
    mutate("requeue", "dead", filter(List.of("nosuchjid"), null, "SomeJob"));
    assertThat(f.size(SetName.DEAD)).isEqualTo(1);
    mutate("requeue", "dead", filter(null, null, "SomeJob"));
    assertThat(f.size(SetName.DEAD)).isZero();
    assertThat(f.size("default")).isEqualTo(3);
  }

  @Test
  void badCommandsAndTargets() {
    assertThatThrownBy(() -> mutate("explode", "scheduled", null))
        .hasMessage("unknown mutate operation");
    assertThatThrownBy(() -> mutate(null, "scheduled", null))
        .hasMessage("unknown mutate operation");
    assertThatThrownBy(() -> mutate("clear", "working", null))
        .hasMessage("invalid target for mutation command");
    assertThatThrownBy(() -> mutate("clear", "default", null))
        .hasMessage("invalid target for mutation command");
    assertThat(f.size(SetName.SCHEDULED)).isEqualTo(4);
  }

  @Test
  void discardWithoutFilterClearsTheSetAndEmptyFilterMatchesAll() {
    mutate("discard", "scheduled", filter(List.of(), "", ""));
    assertThat(f.size(SetName.SCHEDULED)).isZero();
    at = Timestamps.format(f.clock.instant().plusSeconds(10));
    push("job00009", "SomeJob", "[]");
    mutate("discard", "scheduled", null);
    assertThat(f.size(SetName.SCHEDULED)).isZero();
  }

  @Test
  void clearIgnoresTheFilter() {
    mutate("clear", "scheduled", filter(List.of("job00001"), null, null));
    assertThat(f.size(SetName.SCHEDULED)).isZero();
  }

  @Test
  void requeueKeepsThePayloadAsStored() {
    mutate("requeue", "scheduled", filter(List.of("job00003"), null, null));
    assertThat(f.size("default")).isEqualTo(2);
    var browse = f.store.browse("default", 0, 10);
    assertThat(browse.getLast().jid()).isEqualTo("job00003");
  }

  @Test
  void jobtypeIsMatchedAsAFieldNotASubstring() {
    // "SomeJob" appears in no args; "Job" is a substring of every jobtype but matches none
    mutate("discard", "scheduled", filter(null, null, "Job"));
    assertThat(f.size(SetName.SCHEDULED)).isEqualTo(4);
    mutate("discard", "scheduled", filter(null, "*\"jobtype\":\"SomeJob\"*", null));
    assertThat(f.size(SetName.SCHEDULED)).isEqualTo(2);
  }
}
