package dev.fabrik.server.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.workers.WorkerLoad;
import dev.fabrik.server.workers.WorkerState;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every command's replies as exact bytes (spec §3, §4.2; acceptance items 9–35 and 88–90). */
class CommandsWireTest {
  private static final String JID = "12345678901234567890abcd";
  private final ManualClock clock = new ManualClock(Instant.parse("2026-06-30T17:00:00Z"));
  private FabrikServer server;
  private RawClient c;

  @BeforeEach
  void start() throws IOException {
    server = TestServers.start(TestServers.config().build(), clock);
    c = RawClient.producer(server.port());
  }

  @AfterEach
  void stop() throws IOException {
    c.close();
    server.stop(Duration.ofSeconds(5));
  }

  private static String job(String jid, String jobtype, String extra) {
    return "{\"jid\":\"" + jid + "\",\"jobtype\":\"" + jobtype + "\",\"args\":[123]" + extra + "}";
  }

  private JsonNode info() throws IOException {
    return JobCodec.MAPPER.readTree(c.bulk("INFO"));
  }

  private long queue(String name) throws IOException {
    JsonNode size = info().path("faktory").path("queues").get(name);
    return size == null ? 0 : size.longValue();
  }

  private long set(String name) throws IOException {
    return info().path("faktory").path("sets").get(name).longValue();
  }

  @Test
  void unknownVerbIsAnErrorAndTheConnectionLivesOn() throws IOException {
    assertThat(c.call("CMD foo")).isEqualTo("-ERR unknown command CMD\r\n");
    assertThat(c.call("push {}")).isEqualTo("-ERR unknown command push\r\n");
    assertThat(c.call("QUEUE REMOVE frobnoz")).isEqualTo("+OK\r\n");
  }

  @Test
  void pushFetchFailAckInfoBeatFlushEnd() throws IOException {
    // Item 11: a bare-LF line (Ruby's puts) is a command like any other.
    c.send("PUSH " + job(JID, "Thing", ",\"queue\":\"default\"") + "\n");
    assertThat(c.readReply()).isEqualTo("+OK\r\n");
    String fetched = c.bulk("FETCH default some other");
    JsonNode job = JobCodec.MAPPER.readTree(fetched);
    assertThat(job.get("jid").stringValue()).isEqualTo(JID);
    assertThat(fetched).contains("\"retry\":");
    assertThat(
            c.call(
                "FAIL {\"jid\":\""
                    + JID
                    + "\",\"message\":\"Invalid something\","
                    + "\"errtype\":\"RuntimeError\"}"))
        .isEqualTo("+OK\r\n");
    assertThat(c.call("ACK")).isEqualTo("-ERR internal error\r\n");
    assertThat(c.call("ACK {\"jid\":\"" + JID + "\"}")).isEqualTo("+OK\r\n");
    JsonNode info = info();
    assertThat(info.propertyNames()).containsExactly("now", "server_utc_time", "faktory", "server");
    try (RawClient w = RawClient.worker(server.port(), "w-17")) {
      assertThat(w.call("BEAT {\"wid\":\"w-17\"}")).isEqualTo("+OK\r\n");
    }
    assertThat(c.call("QUEUE REMOVE default")).isEqualTo("+OK\r\n");
    assertThat(c.call("FLUSH")).isEqualTo("+OK\r\n");
    c.send("END\r\n");
    assertThat(c.closedByServer()).isTrue();
  }

  @Test
  void fetchReturnsTheStoredBytesAndNullWhenEmpty() throws IOException {
    assertThat(c.call("FETCH default")).isEqualTo("$-1\r\n");
    assertThat(c.call("FETCH")).isEqualTo("-ERR must call fetch with at least one queue\r\n");
    assertThat(c.call("FETCH ")).isEqualTo("-ERR must call fetch with at least one queue\r\n");
    // Big integers and decimals survive byte for byte: the payload is never re-encoded.
    assertThat(
            c.call(
                "PUSH "
                    + job(
                        JID,
                        "Thing",
                        ",\"custom\":{\"n\":123456789012345678901234567890,\"d\":1.10}")))
        .isEqualTo("+OK\r\n");
    String fetched = c.bulk("FETCH default");
    assertThat(fetched).contains("\"n\":123456789012345678901234567890").contains("\"d\":1.10");
  }

  @Test
  void pushErrors() throws IOException {
    assertThat(c.call("PUSH")).isEqualTo("-ERR internal error\r\n");
    assertThat(c.call("PUSH {\"jid\":")).startsWith("-ERR invalid JSON: ");
    assertThat(c.call("PUSH {\"jid\":12}"))
        .isEqualTo("-ERR invalid JSON: jid must be a string\r\n");
    assertThat(c.call("PUSH " + job(JID, "", "")))
        .isEqualTo("-ERR jobs must have a jobtype parameter\r\n");
    assertThat(c.call("PUSH " + job("short", "T", "")))
        .isEqualTo(
            "-ERR jobs must have a reasonable jid parameter: at least 8 characters,"
                + " got 5 (\"short\")\r\n");
  }

  @Test
  void ackValidation() throws IOException {
    assertThat(c.call("ACK {\"jid\":\"x\",\"n\":1}"))
        .isEqualTo("-ERR invalid ACK {\"jid\":\"x\",\"n\":1}\r\n");
    assertThat(c.call("ACK {\"nojid\":\"x\"}")).isEqualTo("-ERR invalid ACK {\"nojid\":\"x\"}\r\n");
    assertThat(c.call("ACK [1]")).isEqualTo("-ERR invalid ACK [1]\r\n");
    assertThat(c.call("ACK nope")).isEqualTo("-ERR invalid ACK nope\r\n");
    assertThat(c.call("ACK {\"jid\":\"never-fetched-jid\"}")).isEqualTo("+OK\r\n");
  }

  @Test
  void failValidation() throws IOException {
    assertThat(c.call("FAIL")).isEqualTo("-ERR internal error\r\n");
    assertThat(c.call("FAIL {\"jid\":\"abcdefghij\",\"backtrace\":\"x\"}"))
        .isEqualTo("-ERR invalid FAIL {\"jid\":\"abcdefghij\",\"backtrace\":\"x\"}\r\n");
    assertThat(c.call("FAIL {\"jid\":\"abcdefghij\"}"))
        .isEqualTo("-ERR Job not found abcdefghij\r\n");
  }

  @Test
  void beatStatesAndErrors() throws IOException {
    assertThat(c.call("BEAT")).isEqualTo("-ERR internal error\r\n");
    assertThat(c.call("BEAT {\"wid\":\"w1\",\"rss_kb\":\"big\"}"))
        .isEqualTo("-ERR invalid BEAT {\"wid\":\"w1\",\"rss_kb\":\"big\"}\r\n");
    assertThat(c.call("BEAT {\"wid\":\"nobody\"}")).isEqualTo("-ERR unknown worker nobody\r\n");
    try (RawClient w = RawClient.worker(server.port(), "w1")) {
      assertThat(w.call("BEAT {\"wid\":\"w1\",\"rss_kb\":1024}")).isEqualTo("+OK\r\n");
      assertThat(w.call("BEAT {\"wid\":\"w1\",\"current_state\":\"quiet\"}"))
          .isEqualTo("$17\r\n{\"state\":\"quiet\"}\r\n");
      // Sticky, and never backwards.
      assertThat(w.call("BEAT {\"wid\":\"w1\",\"current_state\":\"\"}"))
          .isEqualTo("$17\r\n{\"state\":\"quiet\"}\r\n");
      assertThat(w.call("BEAT {\"wid\":\"w1\",\"current_state\":\"terminate\"}"))
          .isEqualTo("$21\r\n{\"state\":\"terminate\"}\r\n");
      assertThat(server.workers().stateOf("w1")).isEqualTo(WorkerState.TERMINATE);
      // A quiet/terminating worker is handed no work.
      c.call("PUSH " + job(JID, "T", ""));
      assertThat(w.call("FETCH default")).isEqualTo("$-1\r\n");
    }
  }

  @Test
  void beatKeepsTheConcurrencyAndBusyCountAWorkerReports() throws IOException {
    try (RawClient w = RawClient.worker(server.port(), "w1")) {
      assertThat(w.call("BEAT {\"wid\":\"w1\",\"rss_kb\":1024,\"concurrency\":20,\"busy\":3}"))
          .isEqualTo("+OK\r\n");
      assertThat(server.workers().list())
          .singleElement()
          .satisfies(info -> assertThat(info.load()).isEqualTo(new WorkerLoad(20, 3)));
      assertThat(w.call("BEAT {\"wid\":\"w1\",\"busy\":-1}"))
          .isEqualTo("-ERR invalid BEAT {\"wid\":\"w1\",\"busy\":-1}\r\n");
      assertThat(w.call("BEAT {\"wid\":\"w1\",\"concurrency\":\"many\"}"))
          .startsWith("-ERR invalid BEAT");
      // A client that sends neither (Faktory's own workers) shows no load, not the last one.
      assertThat(w.call("BEAT {\"wid\":\"w1\"}")).isEqualTo("+OK\r\n");
      assertThat(server.workers().list().iterator().next().load()).isEqualTo(WorkerLoad.UNKNOWN);
    }
  }

  @Test
  void infoHasTheTypedShapeClientsDecode() throws IOException {
    c.call("PUSH " + job(JID, "T", ""));
    JsonNode info = info();
    assertThat(info.get("now").stringValue()).isEqualTo("2026-06-30T17:00:00Z");
    assertThat(info.get("server_utc_time").stringValue()).isEqualTo("17:00:00 UTC");
    JsonNode f = info.get("faktory");
    assertThat(f.get("queues").get("default").longValue()).isEqualTo(1);
    assertThat(f.get("sets").propertyNames())
        .containsExactlyInAnyOrder("dead", "retries", "scheduled", "working");
    assertThat(f.get("tasks").propertyNames())
        .containsExactlyInAnyOrder("Busy", "Dead", "Retries", "Scheduled", "Workers");
    assertThat(f.get("tasks").get("Busy").get("size").isIntegralNumber()).isTrue();
    assertThat(f.get("total_enqueued").longValue()).isEqualTo(1);
    assertThat(f.get("total_queues").longValue()).isEqualTo(1);
    JsonNode s = info.get("server");
    assertThat(s.get("description").stringValue()).isEqualTo("Fabrik");
    assertThat(s.get("faktory_version").stringValue()).isEqualTo("1.10.0");
    assertThat(s.get("connections").longValue()).isEqualTo(1);
    assertThat(s.get("command_count").longValue()).isGreaterThanOrEqualTo(2);
    assertNonNegativeIntegers(info, "");
    assertThat(c.call("INFO trailing words")).startsWith("$");
  }

  private static void assertNonNegativeIntegers(JsonNode node, String path) {
    if (node.isObject()) {
      node.properties()
          .forEach(e -> assertNonNegativeIntegers(e.getValue(), path + "." + e.getKey()));
    } else if (node.isNumber() && !path.endsWith("wall_time_sec")) {
      assertThat(node.isIntegralNumber()).as(path).isTrue();
      assertThat(node.longValue()).as(path).isNotNegative();
    }
  }

  @Test
  void queueSubcommands() throws IOException {
    for (String ok :
        List.of(
            "QUEUE PAUSE *",
            "QUEUE RESUME *",
            "QUEUE REMOVE foo",
            "QUEUE REMOVE *",
            "QUEUE PAUSE default",
            "QUEUE RESUME default",
            "QUEUE pause default")) {
      assertThat(c.call(ok)).as(ok).isEqualTo("+OK\r\n");
    }
    assertThat(c.call("QUEUE UNPAUSE *")).isEqualTo("-ERR no such QUEUE subcommand: UNPAUSE\r\n");
    assertThat(c.call("QUEUE")).isEqualTo("-ERR internal error\r\n");
    assertThat(c.call("QUEUE PAUSE")).isEqualTo("-ERR internal error\r\n");
    assertThat(c.call("QUEUE LATENCY *"))
        .isEqualTo("-ERR QUEUE LATENCY does not support wildcards\r\n");
    assertThat(c.call("QUEUE LATENCY default")).isEqualTo("$13\r\n{\"default\":0}\r\n");
    c.call("PUSH " + job(JID, "T", ""));
    clock.advance(Duration.ofMillis(1500));
    assertThat(c.call("QUEUE latency default foo"))
        .isEqualTo("$23\r\n{\"default\":1.5,\"foo\":0}\r\n");
  }

  @Test
  void pushBulk() throws IOException {
    assertThat(c.call("FLUSH")).isEqualTo("+OK\r\n");
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      jobs.add(job("jid-bulk-" + i, "T", ""));
    }
    assertThat(c.call("PUSHB [" + String.join(",", jobs) + "]")).isEqualTo("$2\r\n{}\r\n");
    assertThat(queue("default")).isEqualTo(10);
    String bad = "abcdefghijklmnop";
    assertThat(c.call("PUSHB [" + job(bad, "", "") + "," + job("jid-good-1", "T", "") + "]"))
        .isEqualTo("$57\r\n{\"" + bad + "\":\"jobs must have a jobtype parameter\"}\r\n");
    assertThat(queue("default")).isEqualTo(11);
    assertThat(c.call("PUSHB {}")).startsWith("-ERR invalid JSON: ");
    assertThat(c.call("PUSHB [")).startsWith("-ERR invalid JSON: ");
    assertThat(c.call("PUSHB")).isEqualTo("-ERR internal error\r\n");
  }

  @Test
  void mutate() throws IOException {
    String at = Timestamps.format(clock.instant().plusSeconds(10));
    String sched = ",\"at\":\"" + at + "\"";
    assertThat(c.call("MUTATE {\"cmd\":\"clear\",\"target\":\"retries\"}")).isEqualTo("+OK\r\n");
    assertThat(set("scheduled")).isZero();
    c.call(
        "PUSH {\"jid\":\"job1job1\",\"jobtype\":\"SomeJob\",\"args\":[\"truid:67123\"]"
            + sched
            + "}");
    c.call(
        "PUSH {\"jid\":\"job2job2\",\"jobtype\":\"SomeJob\",\"args\":[\"trid:67123\"]"
            + sched
            + "}");
    c.call("PUSH {\"jid\":\"job3job3\",\"jobtype\":\"AnotherJob\",\"args\":[1]" + sched + "}");
    c.call("PUSH {\"jid\":\"job4job4\",\"jobtype\":\"OtherJob\",\"args\":[1]" + sched + "}");
    c.call("PUSH {\"jid\":\"job5job5\",\"jobtype\":\"OtherJob\",\"args\":[1]}");
    assertThat(set("scheduled")).isEqualTo(4);
    assertThat(queue("default")).isEqualTo(1);
    assertThat(
            c.call(
                "MUTATE {\"cmd\":\"discard\",\"target\":\"scheduled\","
                    + "\"filter\":{\"jobtype\":\"SomeJob\",\"regexp\":\"*uid:67123*\"}}"))
        .isEqualTo("+OK\r\n");
    assertThat(set("scheduled")).isEqualTo(3);
    c.call(
        "MUTATE {\"cmd\":\"kill\",\"target\":\"scheduled\",\"filter\":{\"jobtype\":\"AnotherJob\"}}");
    assertThat(set("scheduled")).isEqualTo(2);
    assertThat(set("dead")).isEqualTo(1);
    assertThat(c.call("MUTATE {\"cmd\":\"kill\",\"target\":\"\"}")).startsWith("-ERR ");
    c.call(
        "MUTATE {\"cmd\":\"requeue\",\"target\":\"scheduled\",\"filter\":{\"jids\":[\"job4job4\"]}}");
    assertThat(set("scheduled")).isEqualTo(1);
    assertThat(queue("default")).isEqualTo(2);
    c.call(
        "MUTATE {\"cmd\":\"kill\",\"target\":\"scheduled\","
            + "\"filter\":{\"jobtype\":\"SomeJob\",\"jids\":[\"nothere1\"]}}");
    assertThat(set("scheduled")).isEqualTo(1);
    c.call("MUTATE {\"cmd\":\"clear\",\"target\":\"dead\"}");
    assertThat(set("dead")).isZero();
    // A space inside the JSON is fine here (the reference would say "invalid format").
    assertThat(c.call("MUTATE {\"cmd\": \"requeue\", \"target\": \"scheduled\"}"))
        .isEqualTo("+OK\r\n");
    assertThat(set("scheduled")).isZero();
    assertThat(queue("default")).isEqualTo(3);
  }

  @Test
  void mutateErrors() throws IOException {
    assertThat(c.call("MUTATE")).isEqualTo("-ERR invalid format\r\n");
    assertThat(c.call("MUTATE {\"cmd\":")).startsWith("-ERR ").doesNotContain("invalid JSON");
    assertThat(c.call("MUTATE {\"cmd\":\"clear\",\"target\":\"working\"}"))
        .isEqualTo("-ERR invalid target for mutation command\r\n");
    assertThat(c.call("MUTATE {\"cmd\":\"zap\",\"target\":\"dead\"}"))
        .isEqualTo("-ERR unknown mutate operation\r\n");
  }

  @Test
  void batchAndTrackingAnswer() throws IOException {
    assertThat(c.call("BATCH NEW {}"))
        .isEqualTo("-ERR a batch needs a success or a complete callback job\r\n");
    assertThat(c.call("TRACK GET abc"))
        .isEqualTo("$31\r\n{\"jid\":\"abc\",\"state\":\"unknown\"}\r\n");
    assertThat(c.call("TRACK")).isEqualTo("-ERR internal error\r\n");
    assertThat(c.call("TRACK NOPE x")).isEqualTo("-ERR no such TRACK subcommand: NOPE\r\n");
    assertThat(c.call("BATCH")).isEqualTo("-ERR internal error\r\n");
  }

  @Test
  void crlfAndBareLfAreBothAcceptedAndEveryReplyEndsInCrlf() throws IOException {
    c.send("FLUSH\n");
    assertThat(c.readReply()).isEqualTo("+OK\r\n");
    c.send("FLUSH\r\n");
    assertThat(c.readReply()).isEqualTo("+OK\r\n");
    for (String line : List.of("INFO", "FETCH default", "QUEUE LATENCY x", "NOPE", "PUSHB []")) {
      String reply = c.call(line);
      assertThat(reply).endsWith("\r\n").doesNotStartWith(":").doesNotStartWith("*");
    }
  }
}
