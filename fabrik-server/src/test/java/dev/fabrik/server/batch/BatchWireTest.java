package dev.fabrik.server.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.config.DatabaseConfig;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.storage.postgres.PgDatabase;
import dev.fabrik.server.storage.postgres.PgTestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * BATCH over raw sockets against a real server on an ephemeral port (spec §8.3 and the Enterprise
 * integration sequence of §11 item 87), on every store, on a clock the test moves.
 */
class BatchWireTest {
  static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");
  static final String CALLBACKS =
      "\"success\":{\"jobtype\":\"BatchOk\",\"args\":[],\"queue\":\"callbacks\"},"
          + "\"complete\":{\"jobtype\":\"BatchDone\",\"args\":[],\"queue\":\"callbacks\"}";

  @Nested
  class Memory extends Scenarios {
    @Override
    ServerConfig.Builder config(Path dir) {
      return TestServers.config();
    }
  }

  @Nested
  class Sqlite extends Scenarios {
    @Override
    ServerConfig.Builder config(Path dir) {
      return TestServers.config().storage("sqlite").dataDir(dir);
    }
  }

  @Nested
  class Postgres extends Scenarios {
    private PgDatabase schema;

    @RegisterExtension
    final AfterEachCallback dropSchema =
        context -> {
          if (schema != null) {
            PgTestDatabase.drop(schema);
            schema.close();
          }
        };

    @Override
    ServerConfig.Builder config(Path dir) {
      schema = PgTestDatabase.migrated("batch_wire", 1);
      return TestServers.config()
          .storage("postgres")
          .database(new DatabaseConfig(PgTestDatabase.url(), schema.schema(), 4));
    }

    /**
     * Two nodes on one database: node B saw the batch open a moment ago (and trusts that for two
     * seconds), node A flushes. B's next push naming the batch must be refused, and must leave no
     * member row behind (the join's insert finds no open batch row).
     */
    @Test
    void anotherNodesPushNamingAFlushedBatchIsRefused() throws IOException {
      ServerConfig sameDatabase =
          TestServers.config()
              .storage("postgres")
              .database(new DatabaseConfig(PgTestDatabase.url(), schema.schema(), 4))
              .build();
      try (FabrikServer b = TestServers.start(sameDatabase, clock);
          RawClient onB = RawClient.worker(b.port(), "w2")) {
        String bid = newBatch("{" + CALLBACKS + "}");
        assertThat(onB.call(job("on-node-b-1", bid))).isEqualTo("+OK\r\n");
        assertThat(c.call("FLUSH")).isEqualTo("+OK\r\n");
        assertThat(onB.call(job("on-node-b-2", bid)))
            .isEqualTo("-ERR unknown batch " + bid + " (expired, flushed, or never created)\r\n");
        assertThat(onB.call("FETCH default")).isEqualTo("$-1\r\n");
        try (var conn = schema.connection();
            var rs =
                conn.createStatement()
                    .executeQuery("SELECT count(*) FROM " + schema.schema() + ".batch_members")) {
          rs.next();
          assertThat(rs.getLong(1)).as("member rows left behind").isZero();
        }
      } catch (java.sql.SQLException e) {
        throw new IOException(e);
      }
    }
  }

  abstract static class Scenarios {
    @TempDir Path dir;
    final ManualClock clock = new ManualClock(T0);
    FabrikServer server;
    RawClient c;

    abstract ServerConfig.Builder config(Path dir);

    @BeforeEach
    void start() throws IOException {
      server = TestServers.start(config(dir).build(), clock);
      c = RawClient.worker(server.port(), "w1");
    }

    @AfterEach
    void stop() throws IOException {
      c.close();
      server.close();
    }

    /**
     * Item 87: NEW with callbacks, push, OPEN before COMMIT, COMMIT, re-OPEN from outside + push +
     * COMMIT, a nested batch, then the states as members and callbacks are ACKed.
     */
    @Test
    void theEnterpriseSequence() throws IOException {
      String bid = newBatch("{\"description\":\"nightly\"," + CALLBACKS + "}");
      assertThat(bid).startsWith("b-").hasSizeGreaterThan(10);
      push("job-one-1", bid);
      push("job-two-2", bid);
      assertThat(c.call("BATCH OPEN " + bid)).isEqualTo("+" + bid + "\r\n");
      assertThat(c.call("BATCH COMMIT " + bid)).isEqualTo("+OK\r\n");
      assertThat(c.call("BATCH OPEN " + bid)).isEqualTo("+" + bid + "\r\n");
      push("job-three-3", bid);
      assertThat(c.call("BATCH COMMIT " + bid)).isEqualTo("+OK\r\n");

      String child =
          newBatch(
              "{\"parent_bid\":\""
                  + bid
                  + "\",\"complete\":{\"jobtype\":\"ChildDone\",\"queue\":\"callbacks\"}}");
      push("child-job-1", child);
      assertThat(c.call("BATCH COMMIT " + child)).isEqualTo("+OK\r\n");

      JsonNode s = status(bid);
      assertThat(s.path("bid").asString()).isEqualTo(bid);
      assertThat(s.path("description").asString()).isEqualTo("nightly");
      assertThat(s.path("created_at").asString()).isEqualTo("2026-06-30T17:00:00Z");
      assertThat(s.path("total").asLong()).isEqualTo(3);
      assertThat(s.path("pending").asLong()).isEqualTo(3);
      assertThat(s.path("failed").asLong()).isZero();
      assertThat(s.path("complete_st").asString()).isEmpty();
      assertThat(s.path("success_st").asString()).isEmpty();
      assertThat(status(child).path("parent_bid").asString()).isEqualTo(bid);

      fetchAndAck("default", "job-one-1", "job-two-2", "job-three-3");
      s = status(bid);
      assertThat(s.path("pending").asLong()).isZero();
      // The child has not completed yet, so neither has its parent.
      assertThat(s.path("complete_st").asString()).isEmpty();

      fetchAndAck("default", "child-job-1");
      assertThat(status(child).path("complete_st").asString()).isEqualTo("1");
      JsonNode childCallback = fetch("callbacks");
      assertThat(childCallback.path("jobtype").asString()).isEqualTo("ChildDone");
      assertThat(childCallback.path("custom").path("_bid").asString()).isEqualTo(child);
      ack(childCallback);
      assertThat(status(child).path("complete_st").asString()).isEqualTo("2");
      // No success callback: the child's success state goes straight to "2".
      assertThat(status(child).path("success_st").asString()).isEqualTo("2");

      s = status(bid);
      assertThat(s.path("complete_st").asString()).isEqualTo("1");
      assertThat(s.path("success_st").asString()).isEmpty();
      JsonNode done = fetch("callbacks");
      assertThat(done.path("jobtype").asString()).isEqualTo("BatchDone");
      assertThat(done.path("custom").path("_bid").asString()).isEqualTo(bid);
      ack(done);
      s = status(bid);
      assertThat(s.path("complete_st").asString()).isEqualTo("2");
      assertThat(s.path("success_st").asString()).isEqualTo("1");
      JsonNode ok = fetch("callbacks");
      assertThat(ok.path("jobtype").asString()).isEqualTo("BatchOk");
      ack(ok);
      assertThat(status(bid).path("success_st").asString()).isEqualTo("2");
      assertThat(server.batches().callbacksPushed()).isEqualTo(3);

      // Re-opening after the callbacks fired is accepted; they never fire a second time.
      assertThat(c.call("BATCH OPEN " + bid)).isEqualTo("+" + bid + "\r\n");
      push("job-four-4", bid);
      assertThat(c.call("BATCH COMMIT " + bid)).isEqualTo("+OK\r\n");
      fetchAndAck("default", "job-four-4");
      assertThat(status(bid).path("total").asLong()).isEqualTo(4);
      assertThat(server.batches().callbacksPushed()).isEqualTo(3);
    }

    @Test
    void aFailedMemberCompletesTheBatchButItDoesNotSucceed() throws IOException {
      String bid = newBatch("{" + CALLBACKS + "}");
      push("will-fail-1", bid);
      push("will-pass-2", bid);
      c.call("BATCH COMMIT " + bid);
      JsonNode first = fetch("default");
      assertThat(
              c.call(
                  "FAIL {\"jid\":\""
                      + first.path("jid").asString()
                      + "\",\"errtype\":\"E\",\"message\":\"boom\"}"))
          .isEqualTo("+OK\r\n");
      fetchAndAck("default", "will-pass-2");
      JsonNode s = status(bid);
      assertThat(s.path("pending").asLong()).isZero();
      assertThat(s.path("failed").asLong()).isEqualTo(1);
      assertThat(s.path("complete_st").asString()).isEqualTo("1");
      ack(fetch("callbacks"));
      s = status(bid);
      assertThat(s.path("complete_st").asString()).isEqualTo("2");
      assertThat(s.path("success_st").asString()).isEmpty();
    }

    @Test
    void aCommittedBatchWithoutJobsFiresItsCallbacksAtCommit() throws IOException {
      String bid = newBatch("{" + CALLBACKS + "}");
      assertThat(c.call("BATCH COMMIT " + bid)).isEqualTo("+OK\r\n");
      assertThat(status(bid).path("complete_st").asString()).isEqualTo("1");
      ack(fetch("callbacks"));
      assertThat(status(bid).path("success_st").asString()).isEqualTo("1");
      JsonNode ok = fetch("callbacks");
      assertThat(ok.path("jobtype").asString()).isEqualTo("BatchOk");
      assertThat(ok.path("custom").path("_cb").asString()).isEqualTo("success");
    }

    @Test
    void errorsAreClearAndStoreNothing() throws IOException {
      assertThat(c.call("BATCH STATUS b-nope")).isEqualTo("-ERR unknown batch b-nope\r\n");
      assertThat(c.call("BATCH COMMIT b-nope")).isEqualTo("-ERR unknown batch b-nope\r\n");
      assertThat(c.call("BATCH OPEN b-nope")).isEqualTo("-ERR unknown batch b-nope\r\n");
      assertThat(c.call("BATCH NEW {nope")).startsWith("-ERR invalid BATCH NEW");
      assertThat(c.call("BATCH NEW {\"description\":\"x\"}"))
          .isEqualTo("-ERR a batch needs a success or a complete callback job\r\n");
      assertThat(c.call("BATCH NEW {\"complete\":{\"args\":[]}}"))
          .isEqualTo("-ERR the complete callback must be a job with a jobtype\r\n");
      assertThat(c.call("BATCH NEW {\"complete\":\"Done\"}"))
          .isEqualTo("-ERR the complete callback must be a job object\r\n");
      assertThat(c.call("BATCH NEW {\"parent_bid\":\"b-nope\"," + CALLBACKS + "}"))
          .isEqualTo("-ERR unknown parent batch b-nope\r\n");
      assertThat(c.call("BATCH STATUS")).isEqualTo("-ERR BATCH STATUS needs one bid\r\n");
      assertThat(c.call("BATCH FROB b-1")).isEqualTo("-ERR no such BATCH subcommand: FROB\r\n");

      assertThat(c.call(job("stray-job-1", "b-nope")))
          .isEqualTo("-ERR unknown batch b-nope (expired, flushed, or never created)\r\n");
      String bid = newBatch("{" + CALLBACKS + "}");
      assertThat(c.call("BATCH COMMIT " + bid)).isEqualTo("+OK\r\n");
      assertThat(c.call("BATCH COMMIT " + bid))
          .isEqualTo("-ERR batch " + bid + " is already committed; BATCH OPEN it to add jobs\r\n");
      assertThat(c.call(job("late-job-1", bid)))
          .isEqualTo(
              "-ERR batch "
                  + bid
                  + " is committed; BATCH OPEN it before pushing more jobs into it\r\n");
      // Nothing of the refused pushes was stored.
      assertThat(c.call("FETCH default")).isEqualTo("$-1\r\n");
      assertThat(status(bid).path("total").asLong()).isZero();
    }

    /**
     * FLUSH deletes every batch: a push naming one right after (the clock does not move, so this
     * node's two-second memory of the open bid has not run out) is refused and stores nothing.
     */
    @Test
    void aPushNamingAFlushedBatchIsRefused() throws IOException {
      String bid = newBatch("{" + CALLBACKS + "}");
      push("before-flush-1", bid);
      assertThat(c.call("FLUSH")).isEqualTo("+OK\r\n");
      assertThat(c.call(job("after-flush-1", bid)))
          .isEqualTo("-ERR unknown batch " + bid + " (expired, flushed, or never created)\r\n");
      assertThat(c.call("FETCH default")).isEqualTo("$-1\r\n");
      assertThat(c.call("BATCH STATUS " + bid)).isEqualTo("-ERR unknown batch " + bid + "\r\n");
    }

    @Test
    void pushbRefusesOnlyTheJobsNamingAnUnknownBatch() throws IOException {
      String bid = newBatch("{" + CALLBACKS + "}");
      String reply =
          c.bulk(
              "PUSHB ["
                  + body("bulk-job-1", bid)
                  + ","
                  + body("bulk-job-2", "b-nope")
                  + ","
                  + body("bulk-job-3", bid)
                  + "]");
      assertThat(JobCodec.MAPPER.readTree(reply).propertyNames()).containsExactly("bulk-job-2");
      c.call("BATCH COMMIT " + bid);
      assertThat(status(bid).path("total").asLong()).isEqualTo(2);
    }

    @Test
    void anUncommittedBatchExpiresAfterThirtyMinutes() throws IOException {
      String bid = newBatch("{" + CALLBACKS + "}");
      push("orphan-job-1", bid);
      clock.advance(Duration.ofMinutes(29));
      server.batches().sweepNow();
      assertThat(status(bid).path("total").asLong()).isEqualTo(1);
      clock.advance(Duration.ofMinutes(1));
      server.batches().sweepNow();
      assertThat(c.call("BATCH STATUS " + bid)).isEqualTo("-ERR unknown batch " + bid + "\r\n");
      assertThat(c.call(job("orphan-job-2", bid))).startsWith("-ERR unknown batch " + bid);
    }

    @Test
    void aCompletedBatchIsKeptForTheRetentionThenPurged() throws IOException {
      String bid = newBatch("{\"complete\":{\"jobtype\":\"Done\",\"queue\":\"callbacks\"}}");
      c.call("BATCH COMMIT " + bid);
      ack(fetch("callbacks"));
      clock.advance(Duration.ofHours(23));
      server.batches().sweepNow();
      assertThat(status(bid).path("complete_st").asString()).isEqualTo("2");
      clock.advance(Duration.ofHours(1));
      server.batches().sweepNow();
      assertThat(c.call("BATCH STATUS " + bid)).isEqualTo("-ERR unknown batch " + bid + "\r\n");
    }

    // ---------------------------------------------------------------- helpers

    String newBatch(String json) throws IOException {
      String reply = c.call("BATCH NEW " + json);
      assertThat(reply).startsWith("+b-");
      return reply.substring(1, reply.length() - 2);
    }

    static String body(String jid, String bid) {
      return "{\"jid\":\""
          + jid
          + "\",\"jobtype\":\"Work\",\"args\":[1],\"custom\":{\"bid\":\""
          + bid
          + "\"}}";
    }

    static String job(String jid, String bid) {
      return "PUSH " + body(jid, bid);
    }

    void push(String jid, String bid) throws IOException {
      assertThat(c.call(job(jid, bid))).isEqualTo("+OK\r\n");
    }

    JsonNode status(String bid) throws IOException {
      return JobCodec.MAPPER.readTree(c.bulk("BATCH STATUS " + bid));
    }

    JsonNode fetch(String queue) throws IOException {
      return JobCodec.MAPPER.readTree(c.bulk("FETCH " + queue));
    }

    void ack(JsonNode job) throws IOException {
      assertThat(c.call("ACK {\"jid\":\"" + job.path("jid").asString() + "\"}"))
          .isEqualTo("+OK\r\n");
    }

    void fetchAndAck(String queue, String... jids) throws IOException {
      for (String jid : jids) {
        JsonNode job = fetch(queue);
        assertThat(job.path("jid").asString()).isEqualTo(jid);
        ack(job);
      }
    }
  }
}
