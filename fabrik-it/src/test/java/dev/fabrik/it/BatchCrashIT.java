package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.ProtocolException;
import dev.fabrik.protocol.Reply;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A batch drained by several workers while the server (a real process on SQLite) is killed with
 * SIGKILL, then restarted on the same file and drained to the end: STATUS counts every member once
 * (ACKs answered before the crash included, whether or not their outcome reached the batch tables)
 * and each callback is pushed exactly once.
 */
class BatchCrashIT {
  private static final int JOBS = 1500;
  private static final int WORKERS = 6;
  private static final int ACKS_BEFORE_CRASH = 500;

  @TempDir Path dataDir;

  @Test
  void countsAndCallbacksSurviveSigkillMidDrain() throws Exception {
    Set<String> fetchedBeforeCrash = ConcurrentHashMap.newKeySet();
    Set<String> ackedBeforeCrash = ConcurrentHashMap.newKeySet();
    String bid;
    ServerProcess first = ServerProcess.start(dataDir, List.of());
    ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
    AtomicBoolean stop = new AtomicBoolean();
    try {
      try (ProtocolConnection conn = first.connect()) {
        bid = fill(conn);
      }
      for (int i = 0; i < WORKERS; i++) {
        workers.submit(() -> work(first, fetchedBeforeCrash, ackedBeforeCrash, stop));
      }
      await("%d ACKs".formatted(ACKS_BEFORE_CRASH))
          .atMost(Duration.ofSeconds(90))
          .until(() -> ackedBeforeCrash.size() >= ACKS_BEFORE_CRASH);
      first.kill(); // workers are in the middle of FETCH and ACK round trips
    } finally {
      stop.set(true);
      first.kill();
      workers.shutdown();
      assertThat(workers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(ackedBeforeCrash).hasSizeLessThan(JOBS);

    try (ServerProcess second = ServerProcess.start(dataDir, List.of());
        ProtocolConnection conn = second.connect()) {
      // Jobs reserved at the crash keep their reservation: ACK them as their workers would.
      for (String jid : fetchedBeforeCrash) {
        assertThat(conn.call("ACK {\"jid\":\"" + jid + "\"}")).isEqualTo(Reply.OK);
      }
      for (JsonNode job = Wire.fetch(conn, "members"); job != null; ) {
        Wire.ack(conn, job.path("jid").asString());
        job = Wire.fetch(conn, "members");
      }
      JsonNode status = status(conn, bid);
      assertThat(status.path("total").asLong()).isEqualTo(JOBS);
      assertThat(status.path("pending").asLong()).isZero();
      assertThat(status.path("failed").asLong()).isZero();
      assertThat(status.path("complete_st").asString()).isEqualTo("1");

      JsonNode done = Wire.fetch(conn, "callbacks");
      assertThat(done.path("jobtype").asString()).isEqualTo("Done");
      assertThat(done.path("custom").path("_bid").asString()).isEqualTo(bid);
      Wire.ack(conn, done.path("jid").asString());
      assertThat(status(conn, bid).path("success_st").asString()).isEqualTo("1");
      JsonNode ok = Wire.fetch(conn, "callbacks");
      assertThat(ok.path("jobtype").asString()).isEqualTo("Ok");
      Wire.ack(conn, ok.path("jid").asString());
      assertThat(Wire.fetch(conn, "callbacks")).as("no callback pushed twice").isNull();
      status = status(conn, bid);
      assertThat(status.path("complete_st").asString()).isEqualTo("2");
      assertThat(status.path("success_st").asString()).isEqualTo("2");
    }
  }

  private static String fill(ProtocolConnection conn) {
    Reply created =
        conn.call(
            "BATCH NEW {\"description\":\"crash\","
                + "\"complete\":{\"jobtype\":\"Done\",\"queue\":\"callbacks\"},"
                + "\"success\":{\"jobtype\":\"Ok\",\"queue\":\"callbacks\"}}");
    String bid = ((Reply.Simple) created).text();
    for (int start = 0; start < JOBS; start += 500) {
      StringBuilder body = new StringBuilder("PUSHB [");
      for (int i = start; i < start + 500; i++) {
        body.append(i > start ? "," : "")
            .append("{\"jid\":\"member-")
            .append(i)
            .append("\",\"jobtype\":\"W\",\"args\":[],\"queue\":\"members\",")
            .append("\"custom\":{\"bid\":\"")
            .append(bid)
            .append("\"}}");
      }
      Reply reply = conn.call(body.append(']').toString());
      assertThat(((Reply.Bulk) reply).text()).isEqualTo("{}");
    }
    assertThat(conn.call("BATCH COMMIT " + bid)).isEqualTo(Reply.OK);
    return bid;
  }

  private static void work(
      ServerProcess server, Set<String> fetched, Set<String> acked, AtomicBoolean stop) {
    try (ProtocolConnection conn = server.connect()) {
      while (!stop.get()) {
        JsonNode job = Wire.fetch(conn, "members");
        if (job == null) {
          return;
        }
        String jid = job.path("jid").asString();
        fetched.add(jid);
        if (conn.call("ACK {\"jid\":\"" + jid + "\"}").equals(Reply.OK)) {
          acked.add(jid);
        }
      }
    } catch (ProtocolException | UncheckedIOException e) {
      // The crash: the server is gone.
    }
  }

  private static JsonNode status(ProtocolConnection conn, String bid) {
    return JobCodec.MAPPER.readTree(((Reply.Bulk) conn.call("BATCH STATUS " + bid)).text());
  }
}
