package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.ProtocolException;
import dev.fabrik.protocol.Reply;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The server (a real process, on SQLite and on PostgreSQL) halted at the exact crash points of a
 * batch callback, with the test-only {@code -Dfabrik.fault.halt=<point>} (the process ends as under
 * {@code kill -9}); on SQLite each next node is a restart on the same file, on PostgreSQL the last
 * step is taken by a second node that ran all along ({@link CrashNodes}): each callback runs
 * exactly once, none is lost.
 *
 * <ul>
 *   <li>{@code batch-callback-stored}: just after the complete state "1" was committed. The
 *       callback job was committed with it, so the next node hands it out.
 *   <li>{@code batch-callback-acked}: just after the complete callback's ACK was stored, before the
 *       batch heard of it. Recovery moves the state to "2" (the job is gone, so it was ACKed) and
 *       the success callback follows, once.
 * </ul>
 */
class BatchCallbackCrashIT {
  @TempDir Path dataDir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgres"})
  void eachCallbackRunsOnceAcrossCrashesAtItsTwoCrashPoints(String store) {
    try (CrashNodes nodes = CrashNodes.on(store, dataDir)) {
      String bid;
      ServerProcess first = nodes.halting("batch-callback-stored");
      try (ProtocolConnection conn = first.connect()) {
        bid = batchOfThree(conn);
        drainMembers(conn);
      }
      CrashNodes.awaitHalted(first);
      first.close();
      ServerProcess second = nodes.halting("batch-callback-acked");
      try (ProtocolConnection conn = second.connect()) {
        JsonNode s = status(conn, bid);
        assertThat(s.path("pending").asLong()).isZero();
        assertThat(s.path("complete_st").asString()).isEqualTo("1");
        JsonNode done = Wire.fetch(conn, "callbacks");
        assertThat(done).as("the complete callback committed before the crash").isNotNull();
        assertThat(done.path("jobtype").asString()).isEqualTo("Done");
        assertThat(done.path("custom").path("_bid").asString()).isEqualTo(bid);
        try {
          conn.call("ACK {\"jid\":\"" + done.path("jid").asString() + "\"}");
        } catch (ProtocolException | UncheckedIOException e) {
          // The halt may come before the reply is written; the ACK itself was stored first.
        }
      }
      try (ProtocolConnection conn = nodes.pickUp(second).connect()) {
        // Recovery: the complete callback's job is gone, so it was ACKed: "2", and success follows.
        JsonNode ok =
            await("the success callback")
                .atMost(CrashNodes.PICKED_UP_WITHIN)
                .until(() -> Wire.fetch(conn, "callbacks"), java.util.Objects::nonNull);
        assertThat(ok.path("jobtype").asString()).as("Done did not run again").isEqualTo("Ok");
        Wire.ack(conn, ok.path("jid").asString());
        JsonNode s = status(conn, bid);
        assertThat(s.path("total").asLong()).isEqualTo(3);
        assertThat(s.path("complete_st").asString()).isEqualTo("2");
        assertThat(s.path("success_st").asString()).isEqualTo("2");
        assertThat(Wire.queueSize(Wire.info(conn), "callbacks")).as("no callback twice").isZero();
      }
    }
  }

  private static String batchOfThree(ProtocolConnection conn) {
    Reply created =
        conn.call(
            "BATCH NEW {\"description\":\"crash point\","
                + "\"complete\":{\"jobtype\":\"Done\",\"queue\":\"callbacks\"},"
                + "\"success\":{\"jobtype\":\"Ok\",\"queue\":\"callbacks\"}}");
    String bid = ((Reply.Simple) created).text();
    StringBuilder body = new StringBuilder("PUSHB [");
    for (int i = 0; i < 3; i++) {
      body.append(i > 0 ? "," : "")
          .append("{\"jid\":\"member-")
          .append(i)
          .append("\",\"jobtype\":\"W\",\"args\":[],\"queue\":\"members\",\"custom\":{\"bid\":\"")
          .append(bid)
          .append("\"}}");
    }
    assertThat(((Reply.Bulk) conn.call(body.append(']').toString())).text()).isEqualTo("{}");
    assertThat(conn.call("BATCH COMMIT " + bid)).isEqualTo(Reply.OK);
    return bid;
  }

  /** The last ACK's reply may lose the race with a halt its outcome leads to; it was stored. */
  private static void drainMembers(ProtocolConnection conn) {
    for (int i = 0; i < 3; i++) {
      JsonNode job = Wire.fetch(conn, "members");
      try {
        conn.call("ACK {\"jid\":\"" + job.path("jid").asString() + "\"}");
      } catch (ProtocolException | UncheckedIOException e) {
        assertThat(i).as("only the last ACK may race the halt").isEqualTo(2);
      }
    }
  }

  private static JsonNode status(ProtocolConnection conn, String bid) {
    return JobCodec.MAPPER.readTree(((Reply.Bulk) conn.call("BATCH STATUS " + bid)).text());
  }
}
