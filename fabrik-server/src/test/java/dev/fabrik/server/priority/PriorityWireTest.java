package dev.fabrik.server.priority;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Priorities over the wire, raw protocol against a real server on each store: PUSH and PUSHB with
 * {@code priority}, FETCH order, the refusal of a priority that is not an integer, clamping, and a
 * retry that keeps its priority.
 */
class PriorityWireTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-06-30T17:00:00Z"));
  @TempDir Path dir;
  private FabrikServer server;
  private RawClient c;

  private void start(String storage) throws IOException {
    server = TestServers.start(TestServers.config().storage(storage).dataDir(dir).build(), clock);
    c = RawClient.worker(server.port(), "wid-prio-1");
  }

  @AfterEach
  void stop() throws IOException {
    if (c != null) {
      c.close();
    }
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  private static String job(String jid, String priority) {
    return "{\"jid\":\""
        + jid
        + "\",\"jobtype\":\"Mail\",\"args\":[1],\"queue\":\"q\""
        + (priority == null ? "" : ",\"priority\":" + priority)
        + "}";
  }

  private String fetchJid(String queues) throws IOException {
    String reply = c.call("FETCH " + queues);
    if (reply.equals("$-1\r\n")) {
      return null;
    }
    String json = reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
    String jid = JobCodec.MAPPER.readTree(json).get("jid").asString();
    assertThat(c.call("ACK {\"jid\":\"" + jid + "\"}")).isEqualTo("+OK\r\n");
    return jid;
  }

  private List<String> drain(String queues) throws IOException {
    List<String> out = new ArrayList<>();
    for (String jid = fetchJid(queues); jid != null; jid = fetchJid(queues)) {
      out.add(jid);
    }
    return out;
  }

  private long queueSize(String queue) throws IOException {
    JsonNode size = JobCodec.MAPPER.readTree(c.bulk("INFO")).path("faktory").path("queues");
    return size.path(queue).asLong(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "sqlite"})
  void pushedPrioritiesOrderFetchesAndThePayloadIsKeptAsSent(String storage) throws IOException {
    start(storage);
    assertThat(c.call("PUSH " + job("low-0001", "1"))).isEqualTo("+OK\r\n");
    assertThat(c.call("PUSH " + job("none-001", null))).isEqualTo("+OK\r\n");
    assertThat(c.call("PUSH " + job("high-001", "9"))).isEqualTo("+OK\r\n");
    assertThat(c.call("PUSH " + job("five-001", "5"))).isEqualTo("+OK\r\n");
    assertThat(c.call("PUSH " + job("high-002", "9"))).isEqualTo("+OK\r\n");

    String head = c.bulk("FETCH q");
    assertThat(head).startsWith("{\"jid\":\"high-001\",").endsWith(",\"priority\":9}");
    c.call("ACK {\"jid\":\"high-001\"}");
    assertThat(drain("q")).containsExactly("high-002", "none-001", "five-001", "low-0001");
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "sqlite"})
  void aPriorityThatIsNotAnIntegerIsRefusedAndOutOfRangeOnesAreClamped(String storage)
      throws IOException {
    start(storage);
    assertThat(c.call("PUSH " + job("bad-0001", "\"high\"")))
        .isEqualTo("-ERR invalid priority \"high\": it must be an integer from 1 to 9\r\n");
    assertThat(c.call("PUSH " + job("bad-0002", "7.5")))
        .isEqualTo("-ERR invalid priority 7.5: it must be an integer from 1 to 9\r\n");
    assertThat(c.call("PUSH " + job("bad-0003", "true"))).startsWith("-ERR invalid priority true");
    assertThat(queueSize("q")).isZero();

    assertThat(c.call("PUSH " + job("eight-01", "8"))).isEqualTo("+OK\r\n");
    assertThat(c.call("PUSH " + job("twelve-1", "12"))).isEqualTo("+OK\r\n");
    assertThat(c.call("PUSH " + job("zero-001", "0"))).isEqualTo("+OK\r\n");
    assertThat(c.call("PUSH " + job("one-0001", "1"))).isEqualTo("+OK\r\n");
    String head = c.bulk("FETCH q");
    assertThat(head).startsWith("{\"jid\":\"twelve-1\",").contains("\"priority\":9");
    c.call("ACK {\"jid\":\"twelve-1\"}");
    assertThat(drain("q")).containsExactly("eight-01", "zero-001", "one-0001");
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "sqlite"})
  void pushbListsARefusedPriorityAndStoresTheRest(String storage) throws IOException {
    start(storage);
    String batch =
        "["
            + job("batch-02", "2")
            + ","
            + job("batch-bad", "\"x\"")
            + ","
            + job("batch-07", "7")
            + "]";
    assertThat(c.bulk("PUSHB " + batch))
        .isEqualTo(
            "{\"batch-bad\":\"invalid priority \\\"x\\\": it must be an integer from 1 to 9\"}");
    assertThat(drain("q")).containsExactly("batch-07", "batch-02");
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "sqlite"})
  void aRetriedJobComesBackAtItsPriority(String storage) throws IOException {
    start(storage);
    c.call("PUSH " + job("retried1", "8"));
    assertThat(fetchJidWithoutAck("q")).isEqualTo("retried1");
    assertThat(c.call("FAIL {\"jid\":\"retried1\",\"message\":\"boom\",\"errtype\":\"E\"}"))
        .isEqualTo("+OK\r\n");
    c.call("PUSH " + job("waiting5", "5"));
    c.call("PUSH " + job("waiting9", "9"));
    assertThat(
            c.call(
                "MUTATE {\"cmd\":\"requeue\",\"target\":\"retries\","
                    + "\"filter\":{\"jids\":[\"retried1\"]}}"))
        .isEqualTo("+OK\r\n");
    assertThat(drain("q")).containsExactly("waiting9", "retried1", "waiting5");
  }

  private String fetchJidWithoutAck(String queue) throws IOException {
    return JobCodec.MAPPER.readTree(c.bulk("FETCH " + queue)).get("jid").asString();
  }
}
