package dev.fabrik.server.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.config.DatabaseConfig;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.storage.Durability;
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
 * TRACK over the wire against a real server on an ephemeral port, on a clock the test moves: the
 * states a tracked job goes through, what workers report, reservation extension and its limits, and
 * the 30 minutes a finished job's record is kept. Runs on every store.
 */
class TrackingWireTest {
  static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");

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
  class SqliteStrict extends Scenarios {
    @Override
    ServerConfig.Builder config(Path dir) {
      return TestServers.config().storage("sqlite").dataDir(dir).durability(Durability.POWER_LOSS);
    }
  }

  /** On PostgreSQL, in a schema of its own, dropped once the server has stopped. */
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
      schema = PgTestDatabase.migrated("track_wire", 1);
      return TestServers.config()
          .storage("postgres")
          .database(new DatabaseConfig(PgTestDatabase.url(), schema.schema(), 4));
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

    @Test
    void aJidNeverTrackedIsUnknown() throws IOException {
      assertThat(c.bulk("TRACK GET nobody-at-all"))
          .isEqualTo("{\"jid\":\"nobody-at-all\",\"state\":\"unknown\"}");
      push("{\"jid\":\"plain-job-1\",\"jobtype\":\"T\",\"args\":[]}");
      assertThat(state("plain-job-1")).isEqualTo("unknown");
      fetchAndAck("plain-job-1");
      assertThat(state("plain-job-1")).isEqualTo("unknown");
      assertThat(server.tracker().get("plain-job-1").state()).isEqualTo(TrackState.UNKNOWN);
    }

    @Test
    void aTrackedJobGoesFromEnqueuedThroughWorkingToSuccessKeepingItsProgress() throws IOException {
      push(tracked("tracked-1", ""));
      JsonNode enqueued = get("tracked-1");
      assertThat(enqueued.path("state").asString()).isEqualTo("enqueued");
      assertThat(enqueued.path("updated_at").asString()).isEqualTo(Timestamps.format(T0));
      assertThat(enqueued.has("percent")).isFalse();

      clock.advance(Duration.ofSeconds(1));
      assertThat(c.bulk("FETCH default")).contains("tracked-1");
      assertThat(state("tracked-1")).isEqualTo("working");

      clock.advance(Duration.ofSeconds(1));
      assertThat(c.call("TRACK SET {\"jid\":\"tracked-1\",\"percent\":40,\"desc\":\"resizing\"}"))
          .isEqualTo("+OK\r\n");
      assertThat(c.call("TRACK SET {\"jid\":\"tracked-1\",\"percent\":75}")).isEqualTo("+OK\r\n");
      JsonNode working = get("tracked-1");
      assertThat(working.path("percent").asInt()).isEqualTo(75);
      assertThat(working.path("desc").asString()).isEqualTo("resizing");
      assertThat(working.path("state").asString()).isEqualTo("working");
      assertThat(working.path("updated_at").asString())
          .isEqualTo(Timestamps.format(T0.plusSeconds(2)));

      assertThat(c.call("ACK {\"jid\":\"tracked-1\"}")).isEqualTo("+OK\r\n");
      JsonNode done = get("tracked-1");
      assertThat(done.path("state").asString()).isEqualTo("success");
      assertThat(done.path("percent").asInt()).isEqualTo(75);
      assertThat(done.path("desc").asString()).isEqualTo("resizing");
    }

    @Test
    void aFailedTrackedJobIsFailedThenWorkingAgainThenDead() throws IOException {
      push(tracked("doomed-1", ",\"retry\":1"));
      c.bulk("FETCH default");
      fail("doomed-1");
      assertThat(state("doomed-1")).isEqualTo("failed");

      clock.advance(Duration.ofHours(1)); // past any backoff of a first retry
      assertThat(server.manager().maintenance().enqueueRetries()).isEqualTo(1);
      assertThat(c.bulk("FETCH default")).contains("doomed-1");
      assertThat(state("doomed-1")).isEqualTo("working");
      fail("doomed-1");
      assertThat(state("doomed-1")).isEqualTo("dead");

      push(tracked("no-retry-1", ",\"retry\":0"));
      c.bulk("FETCH default");
      fail("no-retry-1");
      assertThat(state("no-retry-1")).isEqualTo("failed");
    }

    @Test
    void aTrackedJobRefusedAsNotUniqueLeavesNoRecord() throws IOException {
      String first =
          "{\"jid\":\"unique-track-1\",\"jobtype\":\"T\",\"args\":[7],"
              + "\"custom\":{\"track\":1,\"unique_for\":600}}";
      assertThat(c.call("PUSH " + first)).as("first push").isEqualTo("+OK\r\n");
      String again = first.replace("unique-track-1", "unique-track-2");
      assertThat(c.call("PUSH " + again)).startsWith("-NOTUNIQUE");
      assertThat(c.bulk("PUSHB [" + again.replace("unique-track-2", "unique-track-3") + "]"))
          .contains("NOTUNIQUE");

      assertThat(state("unique-track-1")).isEqualTo("enqueued");
      assertThat(state("unique-track-2")).isEqualTo("unknown");
      assertThat(state("unique-track-3")).isEqualTo("unknown");
      assertThat(server.tracker().purge(100)).isEqualTo(2); // the two refused jids' rows
    }

    @Test
    void pushbTracksEachTrackedJob() throws IOException {
      String batch =
          "["
              + tracked("bulk-tracked-1", "")
              + ",{\"jid\":\"bulk-plain-1\",\"jobtype\":\"T\",\"args\":[]}]";
      assertThat(c.bulk("PUSHB " + batch)).isEqualTo("{}");
      assertThat(state("bulk-tracked-1")).isEqualTo("enqueued");
      assertThat(state("bulk-plain-1")).isEqualTo("unknown");
    }

    @Test
    void reserveUntilExtendsTheReservationAndNeverShortensIt() throws IOException {
      push(tracked("long-job-1", ",\"reserve_for\":60"));
      c.bulk("FETCH default");
      assertThat(setReserveUntil("long-job-1", T0.plus(Duration.ofHours(2)))).isEqualTo("+OK\r\n");
      // An earlier deadline is accepted and changes nothing: reservations only grow.
      assertThat(setReserveUntil("long-job-1", T0.plusSeconds(600))).isEqualTo("+OK\r\n");

      clock.set(T0.plus(Duration.ofHours(1)));
      assertThat(server.manager().maintenance().reapReservations()).isZero();
      assertThat(state("long-job-1")).isEqualTo("working");

      clock.set(T0.plus(Duration.ofHours(2)).plusSeconds(1));
      assertThat(server.manager().maintenance().reapReservations()).isEqualTo(1);
      assertThat(state("long-job-1")).isEqualTo("failed");
    }

    @Test
    void reserveUntilRefusesThePastMoreThanADayAheadAndJobsNotReserved() throws IOException {
      push(tracked("bounded-1", ",\"reserve_for\":60"));
      c.bulk("FETCH default");
      assertThat(setReserveUntil("bounded-1", T0.minusSeconds(1)))
          .startsWith("-ERR reserve_until ")
          .contains("is not in the future");
      assertThat(setReserveUntil("bounded-1", T0.plus(Duration.ofHours(24)).plusSeconds(1)))
          .contains("is more than 24 hours ahead");
      assertThat(setReserveUntil("bounded-1", T0.plus(Duration.ofHours(24)))).isEqualTo("+OK\r\n");
      assertThat(setReserveUntil("never-fetched", T0.plusSeconds(60)))
          .isEqualTo(
              "-ERR cannot extend the reservation of never-fetched: the job is not reserved\r\n");
      assertThat(c.call("TRACK SET {\"jid\":\"bounded-1\",\"reserve_until\":\"tomorrow\"}"))
          .isEqualTo("-ERR invalid timestamp for 'reserve_until': tomorrow\r\n");
      assertThat(c.call("TRACK SET {\"jid\":\"bounded-1\",\"reserve_until\":12}"))
          .isEqualTo("-ERR reserve_until must be an RFC 3339 timestamp string\r\n");
    }

    @Test
    void aRefusedSetChangesNothing() throws IOException {
      push(tracked("careful-1", ""));
      c.bulk("FETCH default");
      c.call("TRACK SET {\"jid\":\"careful-1\",\"percent\":10,\"desc\":\"start\"}");
      assertThat(c.call("TRACK SET {\"jid\":\"careful-1\",\"percent\":101}"))
          .isEqualTo("-ERR percent must be within 0..100, got 101\r\n");
      assertThat(c.call("TRACK SET {\"jid\":\"careful-1\",\"percent\":\"half\"}"))
          .isEqualTo("-ERR percent must be an integer within 0..100\r\n");
      assertThat(c.call("TRACK SET {\"jid\":\"careful-1\",\"desc\":7}"))
          .isEqualTo("-ERR desc must be a string\r\n");
      assertThat(
              c.call(
                  "TRACK SET {\"jid\":\"careful-1\",\"percent\":50,\"reserve_until\":\""
                      + Timestamps.format(T0.minusSeconds(5))
                      + "\"}"))
          .startsWith("-ERR reserve_until");
      assertThat(c.call("TRACK SET {\"percent\":5}")).isEqualTo("-ERR TRACK SET needs a jid\r\n");
      assertThat(c.call("TRACK SET {oops")).isEqualTo("-ERR invalid TRACK SET {oops\r\n");
      assertThat(c.call("TRACK SET")).isEqualTo("-ERR invalid TRACK SET \r\n");
      assertThat(c.call("TRACK GET")).isEqualTo("-ERR TRACK GET needs one jid\r\n");
      JsonNode r = get("careful-1");
      assertThat(r.path("percent").asInt()).isEqualTo(10);
      assertThat(r.path("desc").asString()).isEqualTo("start");
    }

    @Test
    void aFinishedJobIsForgottenThirtyMinutesLater() throws IOException {
      push(tracked("brief-job-1", ""));
      push(tracked("still-queued-1", ""));
      fetchAndAck("brief-job-1");
      assertThat(state("brief-job-1")).isEqualTo("success");

      clock.advance(Duration.ofMinutes(30).minusSeconds(1));
      assertThat(state("brief-job-1")).isEqualTo("success");
      assertThat(server.tracker().purge(100)).isZero();

      clock.advance(Duration.ofSeconds(1));
      assertThat(c.bulk("TRACK GET brief-job-1"))
          .isEqualTo("{\"jid\":\"brief-job-1\",\"state\":\"unknown\"}");
      assertThat(server.tracker().purge(100)).isEqualTo(1);
      clock.advance(Duration.ofDays(2));
      assertThat(server.tracker().purge(100)).isZero();
      assertThat(state("still-queued-1")).isEqualTo("enqueued");
    }

    @Test
    void flushForgetsTracking() throws IOException {
      push(tracked("flushed-1", ""));
      assertThat(c.call("FLUSH")).isEqualTo("+OK\r\n");
      assertThat(state("flushed-1")).isEqualTo("unknown");
    }

    // ---------------------------------------------------------------- helpers

    static String tracked(String jid, String extra) {
      return "{\"jid\":\""
          + jid
          + "\",\"jobtype\":\"T\",\"args\":[],\"custom\":{\"track\":1}"
          + extra
          + "}";
    }

    void push(String job) throws IOException {
      assertThat(c.call("PUSH " + job)).isEqualTo("+OK\r\n");
    }

    void fetchAndAck(String jid) throws IOException {
      assertThat(c.bulk("FETCH default")).contains(jid);
      assertThat(c.call("ACK {\"jid\":\"" + jid + "\"}")).isEqualTo("+OK\r\n");
    }

    void fail(String jid) throws IOException {
      assertThat(c.call("FAIL {\"jid\":\"" + jid + "\",\"errtype\":\"E\",\"message\":\"no\"}"))
          .isEqualTo("+OK\r\n");
    }

    String setReserveUntil(String jid, Instant until) throws IOException {
      return c.call(
          "TRACK SET {\"jid\":\""
              + jid
              + "\",\"reserve_until\":\""
              + Timestamps.format(until)
              + "\"}");
    }

    JsonNode get(String jid) throws IOException {
      return JobCodec.MAPPER.readTree(c.bulk("TRACK GET " + jid));
    }

    String state(String jid) throws IOException {
      return get(jid).path("state").asString();
    }
  }
}
