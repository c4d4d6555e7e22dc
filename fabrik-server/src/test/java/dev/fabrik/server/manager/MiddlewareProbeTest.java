package dev.fabrik.server.manager;

import static dev.fabrik.server.manager.Fixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.Job;
import dev.fabrik.server.OptionKeys;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link JobMiddleware#inspects}: fetch and ack hooks see only the jobs their option keys ask for.
 */
class MiddlewareProbeTest {
  private final Fixture f = new Fixture();
  private final List<String> seen = new ArrayList<>();

  MiddlewareProbeTest() {
    f.manager.use(
        new JobMiddleware() {
          @Override
          public boolean inspects(OptionKeys keys) {
            return keys.has(OptionKeys.Key.TRACK);
          }

          @Override
          public FetchAction afterFetch(Job job) {
            seen.add("fetch " + job.jid());
            return FetchAction.ACCEPT;
          }

          @Override
          public void afterAck(Job job) {
            seen.add("ack " + job.jid());
          }
        });
  }

  @Test
  void hooksSeeOnlyTheJobsTheirProbeAsksFor() throws Exception {
    f.manager.push(job("plain-01", "Plain", "default"));
    f.manager.push(
        job(
            "{\"jid\":\"watched1\",\"jobtype\":\"Watched\",\"queue\":\"default\","
                + "\"args\":[],\"custom\":{\"track\":1}}"));

    assertThat(f.fetchJob("default").jid()).isEqualTo("plain-01");
    f.manager.ack("plain-01");
    assertThat(seen).isEmpty();

    assertThat(f.fetchJob("default").jid()).isEqualTo("watched1");
    f.manager.ack("watched1");
    assertThat(seen).containsExactly("fetch watched1", "ack watched1");
  }
}
