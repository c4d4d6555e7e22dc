package dev.fabrik.server.manager;

import static dev.fabrik.server.manager.Fixture.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.SetName;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec §8.7; checklist 57–59. */
class ManagerMiddlewareTest {
  private final Fixture f = new Fixture();

  @Test
  void pushHookCanHaltImmediateAndScheduledPushes() {
    f.manager.use(
        new JobMiddleware() {
          @Override
          public void beforePush(Job job) {
            throw new CommandException("DENIED", "push denied");
          }
        });
    assertThatThrownBy(() -> f.manager.push(job("abcdefgh", "T", "default")))
        .isInstanceOfSatisfying(
            CommandException.class, e -> assertThat(e.code()).isEqualTo("DENIED"))
        .hasMessage("push denied");
    String at = Timestamps.format(f.clock.instant().plusSeconds(60));
    assertThatThrownBy(
            () ->
                f.manager.push(
                    job(
                        "{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"at\":\""
                            + at
                            + "\"}")))
        .hasMessage("push denied");
    assertThat(f.size("default") + f.size(SetName.SCHEDULED)).isZero();
  }

  @Test
  void fetchHookDiscardsAndTheNextJobIsReturned() throws Exception {
    f.manager.use(
        new JobMiddleware() {
          @Override
          public FetchAction afterFetch(Job job) {
            return job.jobtype().equals("Expired") ? FetchAction.DISCARD : FetchAction.ACCEPT;
          }
        });
    f.manager.push(job("abcdefgh", "Expired", "default"));
    f.manager.push(job("abcdefgi", "Fresh", "default"));
    assertThat(f.fetchJob("default").jid()).isEqualTo("abcdefgi");
    assertThat(f.size("default")).isZero();
    assertThat(f.store.workingSize()).isEqualTo(1);
  }

  @Test
  void fetchHookHaltLosesTheJobAndReportsTheError() {
    f.manager.use(
        new JobMiddleware() {
          @Override
          public FetchAction afterFetch(Job job) {
            throw new CommandException("HALT", "no");
          }
        });
    f.manager.push(job("abcdefgh", "T", "default"));
    assertThatThrownBy(() -> f.fetchJob("default")).hasMessage("no");
    assertThat(f.size("default")).isZero();
    assertThat(f.store.workingSize()).isZero();
  }

  @Test
  void ackHookRunsAfterASuccessfulAckOnly() throws Exception {
    List<String> acked = new ArrayList<>();
    f.manager.use(
        new JobMiddleware() {
          @Override
          public void afterAck(Job job) {
            acked.add(job.jid());
          }
        });
    f.manager.push(job("abcdefgh", "T", "default"));
    f.fetchJob("default");
    f.manager.ack("abcdefgh");
    f.manager.ack("abcdefgh");
    f.manager.ack("unknownjid");
    assertThat(acked).containsExactly("abcdefgh");
  }
}
