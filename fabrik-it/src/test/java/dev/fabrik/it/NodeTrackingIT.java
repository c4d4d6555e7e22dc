package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Job tracking driven by the npm client faktory-worker 4.7.1 (which has no tracking API of its own,
 * so the scenario uses its raw {@code client.send}), cross-checked over the raw protocol.
 */
class NodeTrackingIT extends ServerPerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(40);

  @Test
  void aTrackedJobReportsProgressAndEndsInSuccessOrFailure() {
    JsonNode ok = NodeScript.run("tracking.js", server.url(), TIMEOUT);

    assertThat(ok.path("inside").path("state").asString()).isEqualTo("working");
    try (ProtocolConnection conn = server.connect()) {
      JsonNode done = trackGet(conn, ok.path("jid").asString());
      assertThat(done.path("state").asString()).isEqualTo("success");
      assertThat(done.path("percent").asInt()).isEqualTo(50);
      assertThat(done.path("desc").asString()).isEqualTo("halfway there");
      assertThat(trackGet(conn, ok.path("failing").asString()).path("state").asString())
          .isEqualTo("failed");
      assertThat(Wire.processed(Wire.info(conn))).isEqualTo(3);
    }
  }

  private static JsonNode trackGet(ProtocolConnection conn, String jid) {
    Reply reply = conn.call("TRACK GET " + jid);
    assertThat(reply).isInstanceOf(Reply.Bulk.class);
    return JobCodec.MAPPER.readTree(((Reply.Bulk) reply).text());
  }
}
