package dev.fabrik.server.unique;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unique jobs over the wire (spec §8.1) against a real server on the SQLite store, its clock in the
 * test's hands so TTLs and scheduled windows pass without waiting.
 */
class UniqueJobsWireTest {
  private static final String NOT_UNIQUE = "-NOTUNIQUE Job not unique\r\n";
  private static final String OK = "+OK\r\n";

  private final ManualClock clock = new ManualClock(Instant.parse("2026-07-01T12:00:00Z"));
  @TempDir Path dir;
  private FabrikServer server;
  private RawClient producer;
  private RawClient worker;
  private int jids;

  @BeforeEach
  void start() throws IOException {
    server = TestServers.start(config(dir).build(), clock);
    producer = RawClient.producer(server.port());
    worker = RawClient.worker(server.port(), "wid-unique-1");
  }

  /** The server's configuration; SQLite here, other stores in subclasses. */
  ServerConfig.Builder config(Path dir) {
    return TestServers.config().storage("sqlite").dataDir(dir);
  }

  @AfterEach
  void stop() throws IOException {
    producer.close();
    worker.close();
    server.stop(Duration.ofSeconds(5));
  }

  /** A job with a fresh jid; {@code extra} goes inside the object, e.g. {@code ,"queue":"q"}. */
  private String job(String args, String custom, String extra) {
    return "{\"jid\":\"unique-jid-"
        + (++jids)
        + "\",\"jobtype\":\"Report\",\"args\":"
        + args
        + ",\"custom\":"
        + custom
        + extra
        + "}";
  }

  private String push(String args, String custom) throws IOException {
    return producer.call("PUSH " + job(args, custom, ""));
  }

  private String fetchJid(String queue) throws IOException {
    String body = worker.bulk("FETCH " + queue);
    int at = body.indexOf("\"jid\":\"") + 7;
    return body.substring(at, body.indexOf('"', at));
  }

  @Test
  void aDuplicatePushIsRefusedButAnotherQueueOrOtherArgsAreNot() throws IOException {
    assertThat(push("[1,{\"b\":2,\"a\":1}]", "{\"unique_for\":60}")).isEqualTo(OK);
    // Same identity with the object's keys in another order: still a duplicate.
    assertThat(push("[1,{\"a\":1,\"b\":2}]", "{\"unique_for\":60}")).isEqualTo(NOT_UNIQUE);
    assertThat(push("[2]", "{\"unique_for\":60}")).isEqualTo(OK);
    assertThat(
            producer.call(
                "PUSH "
                    + job("[1,{\"a\":1,\"b\":2}]", "{\"unique_for\":60}", ",\"queue\":\"other\"")))
        .isEqualTo(OK);
    // Without the option the same job is always accepted.
    assertThat(push("[1,{\"a\":1,\"b\":2}]", "{}")).isEqualTo(OK);
    assertThat(producer.bulk("INFO")).contains("\"default\":3").contains("\"other\":1");
  }

  @Test
  void pushbReportsEachDuplicateInItsMapAndStoresTheRest() throws IOException {
    assertThat(push("[\"x\"]", "{\"unique_for\":60}")).isEqualTo(OK); // unique-jid-1
    String batch =
        "["
            + job("[\"x\"]", "{\"unique_for\":60}", "") // 2: held by 1
            + ","
            + job("[\"y\"]", "{\"unique_for\":60}", "") // 3: new
            + ","
            + job("[\"y\"]", "{\"unique_for\":60}", "") // 4: held by 3, same batch
            + ","
            + job(
                "[\"z\"]",
                "{\"unique_for\":60}",
                ",\"at\":\"" + Timestamps.format(clock.instant().plusSeconds(30)) + "\"")
            + "]";
    assertThat(producer.bulk("PUSHB " + batch))
        .isEqualTo(
            "{\"unique-jid-2\":\"NOTUNIQUE Job not unique\",\"unique-jid-4\":\"NOTUNIQUE Job not unique\"}");
    assertThat(producer.bulk("INFO")).contains("\"default\":2").contains("\"scheduled\":1");
  }

  @Test
  void aScheduledJobsWindowIsItsDelayPlusUniqueFor() throws IOException {
    String at = Timestamps.format(clock.instant().plusSeconds(100));
    assertThat(producer.call("PUSH " + job("[7]", "{\"unique_for\":50}", ",\"at\":\"" + at + "\"")))
        .isEqualTo(OK);

    clock.advance(Duration.ofSeconds(149));
    assertThat(push("[7]", "{\"unique_for\":50}")).isEqualTo(NOT_UNIQUE);
    clock.advance(Duration.ofSeconds(1));
    assertThat(push("[7]", "{\"unique_for\":50}")).isEqualTo(OK);
  }

  @Test
  void theLockExpiresWithItsTtl() throws IOException {
    assertThat(push("[3]", "{\"unique_for\":10.5}")).isEqualTo(OK);
    clock.advance(Duration.ofMillis(10_499));
    assertThat(push("[3]", "{\"unique_for\":10.5}")).isEqualTo(NOT_UNIQUE);
    clock.advance(Duration.ofMillis(1));
    assertThat(push("[3]", "{\"unique_for\":10.5}")).isEqualTo(OK);
  }

  @Test
  void untilStartReleasesTheLockWhenTheJobIsFetched() throws IOException {
    String custom = "{\"unique_for\":600,\"unique_until\":\"start\"}";
    assertThat(push("[4]", custom)).isEqualTo(OK);
    assertThat(push("[4]", custom)).isEqualTo(NOT_UNIQUE);

    assertThat(fetchJid("default")).isEqualTo("unique-jid-1");

    assertThat(push("[4]", custom)).isEqualTo(OK);
    assertThat(push("[4]", custom)).isEqualTo(NOT_UNIQUE);
  }

  @Test
  void untilSuccessHoldsThroughFailAndRetryAndReleasesAtAck() throws IOException {
    String custom = "{\"unique_for\":600}";
    assertThat(push("[5]", custom)).isEqualTo(OK);
    String jid = fetchJid("default");
    assertThat(push("[5]", custom)).isEqualTo(NOT_UNIQUE);

    assertThat(worker.call("FAIL {\"jid\":\"" + jid + "\",\"errtype\":\"E\",\"message\":\"m\"}"))
        .isEqualTo(OK);
    assertThat(producer.bulk("INFO")).contains("\"retries\":1");
    assertThat(push("[5]", custom)).isEqualTo(NOT_UNIQUE);

    // The retry runs again (requeued by hand) and is still the lock's owner.
    assertThat(producer.call("MUTATE {\"cmd\":\"requeue\",\"target\":\"retries\"}")).isEqualTo(OK);
    assertThat(fetchJid("default")).isEqualTo(jid);
    assertThat(push("[5]", custom)).isEqualTo(NOT_UNIQUE);

    assertThat(worker.call("ACK {\"jid\":\"" + jid + "\"}")).isEqualTo(OK);
    assertThat(push("[5]", custom)).isEqualTo(OK);
  }

  @Test
  void aDeadJobKeepsItsLockUntilTheTtl() throws IOException {
    assertThat(push("[6]", "{\"unique_for\":60}")).isEqualTo(OK);
    String jid = fetchJid("default");
    assertThat(worker.call("FAIL {\"jid\":\"" + jid + "\",\"errtype\":\"E\",\"message\":\"m\"}"))
        .isEqualTo(OK);
    assertThat(producer.call("MUTATE {\"cmd\":\"kill\",\"target\":\"retries\"}")).isEqualTo(OK);
    assertThat(producer.bulk("INFO")).contains("\"dead\":1");
    assertThat(push("[6]", "{\"unique_for\":60}")).isEqualTo(NOT_UNIQUE);
    // Deleting it by hand does not release it either.
    assertThat(producer.call("MUTATE {\"cmd\":\"clear\",\"target\":\"dead\"}")).isEqualTo(OK);
    assertThat(push("[6]", "{\"unique_for\":60}")).isEqualTo(NOT_UNIQUE);
    clock.advance(Duration.ofSeconds(60));
    assertThat(push("[6]", "{\"unique_for\":60}")).isEqualTo(OK);
  }

  @Test
  void badOptionsAreRefusedWithAClearError() throws IOException {
    assertThat(push("[1]", "{\"unique_for\":\"60\"}"))
        .isEqualTo("-ERR custom.unique_for must be a positive number of seconds, got \"60\"\r\n");
    assertThat(push("[1]", "{\"unique_for\":0}")).startsWith("-ERR custom.unique_for");
    assertThat(push("[1]", "{\"unique_for\":5,\"unique_until\":\"later\"}"))
        .isEqualTo("-ERR custom.unique_until must be \"success\" or \"start\", got \"later\"\r\n");
    assertThat(producer.bulk("INFO")).doesNotContain("\"default\":");
  }
}
