package dev.fabrik.server.web.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.storage.SetName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverviewTest {
  private final ConsoleFixture f = new ConsoleFixture();

  @Test
  void countsEverythingTheDashboardShows() throws Exception {
    f.push("jobid-aa", "T", "default");
    f.push("jobid-bb", "T", "default");
    f.push("jobid-cc", "T", "other");
    f.addFailed(SetName.DEAD, Instant.parse("2027-01-01T00:00:00Z"), "d", "T", "boom");
    String jid = JobCodec.decode(f.manager.fetch("w", List.of("default")).orElseThrow()).jid();
    f.manager.ack(jid);
    f.manager.fetch("w", List.of("default"));
    f.clock.advance(Duration.ofSeconds(90));

    Overview o = f.console.overview();
    assertThat(o.processed()).isEqualTo(1);
    assertThat(o.failed()).isZero();
    assertThat(o.working()).isEqualTo(1);
    assertThat(o.dead()).isEqualTo(1);
    assertThat(o.retries()).isZero();
    assertThat(o.scheduled()).isZero();
    assertThat(o.enqueued()).isEqualTo(1);
    assertThat(o.queues()).extracting(QueueSummary::name).containsExactly("default", "other");
    assertThat(o.connections()).isEqualTo(3);
    assertThat(o.uptime()).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.now()).isEqualTo(f.clock.instant());
    assertThat(o.version()).isNotBlank();
    assertThat(o.faktoryVersion()).isEqualTo("1.10.0");
    assertThat(o.storageBytes()).isZero(); // memory store
  }

  @Test
  void historyComesFromTheSampler() {
    f.history.sample();
    f.clock.advance(Duration.ofSeconds(1));
    f.push("jobid-aa", "T", "default");
    f.history.sample();
    assertThat(f.console.statsHistory().points()).hasSize(1);
  }
}
