package dev.fabrik.server.manager;

import static dev.fabrik.server.manager.Fixture.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.Reservation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Outcome listeners hear each ACK, FAIL and expired reservation once, with the fetched job. */
class ManagerOutcomeTest {
  private final Fixture f = new Fixture();
  private final List<String> heard = new ArrayList<>();

  ManagerOutcomeTest() {
    f.manager.onOutcome(
        new OutcomeListener() {
          @Override
          public void acknowledged(Reservation r) {
            heard.add("ack " + r.jid());
          }

          @Override
          public void failed(Reservation r, boolean expired) {
            heard.add((expired ? "expired " : "fail ") + r.jid());
          }
        });
  }

  @Test
  void eachOutcomeOnceAndOnlyForReservedJobs() throws Exception {
    f.manager.push(job("{\"jid\":\"acked-01\",\"jobtype\":\"T\",\"args\":[]}"));
    f.manager.push(job("{\"jid\":\"failed-1\",\"jobtype\":\"T\",\"args\":[]}"));
    f.manager.push(job("{\"jid\":\"expire-1\",\"jobtype\":\"T\",\"args\":[],\"reserve_for\":60}"));
    f.fetchJob("default");
    f.fetchJob("default");
    f.fetchJob("default");

    f.manager.ack("acked-01");
    f.manager.ack("acked-01"); // already gone: nothing to hear
    f.manager.fail(new FailureReport("failed-1", "E", "m", null));
    assertThatThrownBy(() -> f.manager.fail(new FailureReport("failed-1", "E", "m", null)))
        .isInstanceOf(CommandException.class);
    f.clock.advance(Duration.ofSeconds(61));
    assertThat(f.manager.maintenance().reapReservations()).isEqualTo(1);

    assertThat(heard).containsExactly("ack acked-01", "fail failed-1", "expired expire-1");
  }
}
