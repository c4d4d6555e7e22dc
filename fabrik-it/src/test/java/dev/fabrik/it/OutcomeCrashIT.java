package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.ProtocolException;
import dev.fabrik.protocol.Reply;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A node halted right after a FAIL committed, before batches or workflows heard of it (the crash
 * points {@code batch-member-failed} and {@code workflow-death-stored}), on SQLite (the next node
 * is a restart) and on PostgreSQL (a second node that ran all along settles it; the halted node
 * never comes back), see {@link CrashNodes}:
 *
 * <ul>
 *   <li>a batch member discarded by its FAIL ({@code retry: 0}) counts as failed, not as succeeded:
 *       the complete callback fires once and the success callback never;
 *   <li>the dependents of a discarded workflow job go to the dead set naming it;
 *   <li>the dependents of a job that went to the dead set go there too, and retrying that job from
 *       the dead set lets them run.
 * </ul>
 */
class OutcomeCrashIT {
  @TempDir Path dataDir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgres"})
  void aDiscardedMemberCountsAsFailedAfterTheCrash(String store) {
    try (CrashNodes nodes = CrashNodes.on(store, dataDir)) {
      ServerProcess node = nodes.halting("batch-member-failed");
      String bid;
      try (ProtocolConnection conn = node.connect()) {
        bid = batch(conn);
        for (int i = 0; i < 2; i++) {
          Wire.ack(conn, Wire.fetch(conn, "members").path("jid").asString());
        }
        failLast(conn, Wire.fetch(conn, "members").path("jid").asString());
      }
      try (ProtocolConnection conn = nodes.pickUp(node).connect()) {
        JsonNode done = awaitJob(conn, "callbacks");
        assertThat(done.path("jobtype").asString()).isEqualTo("Done");
        Wire.ack(conn, done.path("jid").asString());
        JsonNode s = status(conn, bid);
        assertThat(s.path("failed").asLong()).as("the discarded member").isOne();
        assertThat(s.path("pending").asLong()).isZero();
        assertThat(s.path("complete_st").asString()).isEqualTo("2");
        assertThat(s.path("success_st").asString()).as("no success: a member failed").isEmpty();
        assertThat(Wire.queueSize(Wire.info(conn), "callbacks")).as("no callback twice").isZero();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgres"})
  void dependentsOfADeadOrDiscardedJobGoToTheDeadSetAndARetryLetsThemRun(String store) {
    try (CrashNodes nodes = CrashNodes.on(store, dataDir)) {
      // A root discarded by its FAIL (retry 0): its chain goes to the dead set, naming it.
      ServerProcess node = nodes.halting("workflow-death-stored");
      try (ProtocolConnection conn = node.connect()) {
        Wire.push(conn, step("roots", "root-one", 0));
        Wire.push(conn, step("kids", "child-one", 25, "root-one"));
        Wire.push(conn, step("kids", "child-two", 25, "child-one"));
        failLast(conn, Wire.fetch(conn, "roots").path("jid").asString());
      }
      try (ProtocolConnection conn = nodes.pickUp(node).connect()) {
        awaitDead(conn, 2);
        // The operator runs c1 anyway: it carries the failure naming root-one; its success frees
        // c2.
        requeue(conn, "dead", "child-one");
        JsonNode c1 = awaitJob(conn, "kids");
        assertThat(c1.path("jid").asString()).isEqualTo("child-one");
        assertThat(c1.path("failure").path("message").asString())
            .isEqualTo("dependency root-one died");
        Wire.ack(conn, "child-one");
        assertThat(awaitJob(conn, "kids").path("jid").asString()).isEqualTo("child-two");
        Wire.ack(conn, "child-two");
        awaitDead(conn, 0);
      }

      // A root that went to the dead set (retry 1, failed twice): retrying it lets c3 run.
      node = nodes.halting("workflow-death-stored");
      try (ProtocolConnection conn = node.connect()) {
        Wire.push(conn, step("roots", "root-two", 1));
        Wire.push(conn, step("kids", "child-three", 25, "root-two"));
        fail(conn, Wire.fetch(conn, "roots").path("jid").asString()); // to the retries
        requeue(conn, "retries", "root-two");
        failLast(conn, awaitJob(conn, "roots").path("jid").asString()); // to the dead set
      }
      try (ProtocolConnection conn = nodes.pickUp(node).connect()) {
        awaitDead(conn, 2); // r2 and c3
        requeue(conn, "dead", "root-two");
        Wire.ack(conn, awaitJob(conn, "roots").path("jid").asString());
        JsonNode c3 = awaitJob(conn, "kids");
        assertThat(c3.path("jid").asString()).isEqualTo("child-three");
        Wire.ack(conn, "child-three");
        awaitDead(conn, 0);
        assertThat(Wire.queueSize(Wire.info(conn), "kids")).as("each ran once").isZero();
      }
    }
  }

  private static ObjectNode step(String queue, String jid, int retry, String... after) {
    ObjectNode job = Wire.job(queue, "Step", 0);
    job.put("jid", jid).put("retry", retry);
    var list = job.putObject("custom").putArray("after");
    for (String a : after) {
      list.add(a);
    }
    return job;
  }

  private static void fail(ProtocolConnection conn, String jid) {
    assertThat(conn.call(failure(jid))).isEqualTo(Reply.OK);
  }

  /** The FAIL that reaches the crash point: its reply may lose the race with the halt. */
  private static void failLast(ProtocolConnection conn, String jid) {
    try {
      conn.call(failure(jid));
    } catch (ProtocolException | UncheckedIOException e) {
      // halted after the FAIL committed
    }
  }

  private static String failure(String jid) {
    return "FAIL {\"jid\":\"" + jid + "\",\"errtype\":\"Boom\",\"message\":\"boom\"}";
  }

  private static void requeue(ProtocolConnection conn, String set, String jid) {
    assertThat(
            conn.call(
                "MUTATE {\"cmd\":\"requeue\",\"target\":\""
                    + set
                    + "\",\"filter\":{\"jids\":[\""
                    + jid
                    + "\"]}}"))
        .isEqualTo(Reply.OK);
  }

  private static JsonNode awaitJob(ProtocolConnection conn, String queue) {
    return await("a job in " + queue)
        .atMost(CrashNodes.PICKED_UP_WITHIN)
        .until(() -> Wire.fetch(conn, queue), Objects::nonNull);
  }

  private static void awaitDead(ProtocolConnection conn, long size) {
    await("the dead set holding " + size)
        .atMost(CrashNodes.PICKED_UP_WITHIN)
        .until(() -> Wire.info(conn).path("faktory").path("sets").path("dead").asLong(-1) == size);
  }

  private static String batch(ProtocolConnection conn) {
    String bid =
        ((Reply.Simple)
                conn.call(
                    "BATCH NEW {\"description\":\"discard\","
                        + "\"complete\":{\"jobtype\":\"Done\",\"queue\":\"callbacks\"},"
                        + "\"success\":{\"jobtype\":\"Ok\",\"queue\":\"callbacks\"}}"))
            .text();
    for (int i = 0; i < 3; i++) {
      ObjectNode m = Wire.job("members", "W", i);
      m.put("retry", i == 2 ? 0 : 25);
      m.putObject("custom").put("bid", bid);
      Wire.push(conn, m);
    }
    assertThat(conn.call("BATCH COMMIT " + bid)).isEqualTo(Reply.OK);
    return bid;
  }

  private static JsonNode status(ProtocolConnection conn, String bid) {
    return JobCodec.MAPPER.readTree(((Reply.Bulk) conn.call("BATCH STATUS " + bid)).text());
  }
}
