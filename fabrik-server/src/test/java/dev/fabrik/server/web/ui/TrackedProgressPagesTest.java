package dev.fabrik.server.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Progress of tracked jobs on the pages: a bar on the Busy row of a running tracked job (and in
 * {@code /api/busy}, which the Live toggle renders), none for an untracked one; and the state and
 * bar on the page of a tracked job waiting in its queue. Escaped like every job field.
 */
class TrackedProgressPagesTest {
  private PageClient pages;
  private FabrikServer server;

  @BeforeEach
  void start() {
    server = TestServers.start(TestServers.config().webPort(0).build());
    pages = new PageClient(server.webPort());
  }

  @AfterEach
  void stop() {
    pages.close();
    server.stop(Duration.ofSeconds(5));
  }

  @Test
  void busyShowsABarForARunningTrackedJobOnly() throws Exception {
    try (RawClient w = RawClient.worker(server.port(), "w1")) {
      w.call(
          "PUSH {\"jid\":\"tracked-0001\",\"jobtype\":\"Resize\",\"args\":[],\"custom\":{\"track\":1}}");
      w.call("PUSH {\"jid\":\"plain-00001\",\"jobtype\":\"Plain\",\"args\":[]}");
      w.call("FETCH default");
      w.call("FETCH default");
      assertThat(
              w.call(
                  "TRACK SET {\"jid\":\"tracked-0001\",\"percent\":40,\"desc\":\"<b>resizing</b>\"}"))
          .isEqualTo("+OK\r\n");

      String busy = pages.get("/busy").body();
      assertThat(busy)
          .contains("<progress max=\"100\" value=\"40\"></progress>")
          .contains("40% &lt;b&gt;resizing&lt;/b&gt;")
          .doesNotContain("<b>resizing</b>");
      assertThat(busy.split("<progress ", -1)).hasSize(2); // the plain job has none

      String api = pages.get("/api/busy").body();
      assertThat(api)
          .contains(
              "\"progress\":{\"state\":\"working\",\"percent\":40,\"desc\":\"<b>resizing</b>\"}");
    }
  }

  @Test
  void theJobPageOfAQueuedTrackedJobShowsItsProgress() throws Exception {
    try (RawClient c = RawClient.producer(server.port())) {
      c.call(
          "PUSH {\"jid\":\"queued-0001\",\"jobtype\":\"Resize\",\"args\":[],\"custom\":{\"track\":1}}");
      c.call("TRACK SET {\"jid\":\"queued-0001\",\"percent\":5,\"desc\":\"waiting\"}");
      c.call("PUSH {\"jid\":\"queued-0002\",\"jobtype\":\"Plain\",\"args\":[]}");
    }
    String tracked = pages.get("/queues/default/jobs/0?jid=queued-0001").body();
    assertThat(tracked)
        .contains("id=\"job-progress\"")
        .contains("enqueued")
        .contains("<progress max=\"100\" value=\"5\"></progress>")
        .contains("5% waiting");
    String plain = pages.get("/queues/default/jobs/1?jid=queued-0002").body();
    assertThat(plain).doesNotContain("job-progress");
  }
}
