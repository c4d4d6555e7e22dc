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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * SIGKILL under load, then restart on the same SQLite file. An answered write must survive a
 * process crash under both durabilities ({@code normal}, the default, and {@code strict}), so:
 *
 * <ul>
 *   <li>every job whose PUSH got {@code +OK} and whose ACK was never sent is delivered again,
 *       including jobs that were fetched and still reserved at the crash;
 *   <li>no job whose ACK got {@code +OK} reappears, in either durability: an ACK is answered only
 *       once its removal is committed (an ACK sent without a reply may go either way).
 * </ul>
 *
 * Reservations are persisted with a 30-minute deadline, so jobs reserved at the crash are recovered
 * the way their worker would: FAIL them (accepted only if the reservation survived), MUTATE-requeue
 * the retries, and drain again.
 */
class CrashRecoveryIT {
  private static final String QUEUES = "crash-a crash-b";
  private static final int PUSHERS = 4;
  private static final int FETCHERS = 2;
  private static final int PUSHES_BEFORE_CRASH = 3000;

  @TempDir Path dataDir;

  /** What the clients know for sure about each jid, from the replies they received. */
  private static final class Ledger {
    final Set<String> pushed = ConcurrentHashMap.newKeySet(); // PUSH answered +OK
    final Set<String> fetched = ConcurrentHashMap.newKeySet(); // FETCH handed it out
    final Set<String> ackSent = ConcurrentHashMap.newKeySet(); // ACK written
    final Set<String> acked = ConcurrentHashMap.newKeySet(); // ACK answered +OK
    final Set<String> unexpected = ConcurrentHashMap.newKeySet(); // error replies before the crash
  }

  @ParameterizedTest(name = "durability {0}")
  @ValueSource(strings = {"normal", "strict"})
  void answeredWritesSurviveSigkill(String durability) throws Exception {
    List<String> args = List.of("--durability", durability);
    Ledger ledger = new Ledger();

    ServerProcess first = ServerProcess.start(dataDir, args);
    ExecutorService load = Executors.newFixedThreadPool(PUSHERS + FETCHERS);
    AtomicBoolean stop = new AtomicBoolean();
    try {
      for (int i = 0; i < PUSHERS; i++) {
        load.submit(() -> push(first, ledger, stop));
      }
      for (int i = 0; i < FETCHERS; i++) {
        load.submit(() -> fetchAndAckSome(first, ledger, stop));
      }
      await("%d answered pushes".formatted(PUSHES_BEFORE_CRASH))
          .atMost(Duration.ofSeconds(90))
          .until(() -> ledger.pushed.size() >= PUSHES_BEFORE_CRASH || !ledger.unexpected.isEmpty());
      first.kill(); // mid-load: pushers and fetchers are all in the middle of round trips
    } finally {
      stop.set(true);
      first.kill();
      load.shutdown();
      assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).as("load threads ended").isTrue();
    }
    assertThat(ledger.unexpected).as("error replies before the crash").isEmpty();
    Set<String> reservedUnacked = minus(ledger.fetched, ledger.ackSent);
    assertThat(reservedUnacked).as("jobs reserved and unacked at the crash").isNotEmpty();
    assertThat(ledger.acked).as("jobs acked before the crash").isNotEmpty();

    try (ServerProcess second = ServerProcess.start(dataDir, args);
        ProtocolConnection conn = second.connect()) {
      Set<String> delivered = new HashSet<>();
      drain(conn, delivered);

      // Still reserved from before the crash? Then FAIL succeeds and the job goes to retries.
      Set<String> recoveredReservations = new HashSet<>();
      for (String jid : minus(minus(ledger.pushed, ledger.ackSent), delivered)) {
        Reply reply =
            conn.call("FAIL {\"jid\":\"" + jid + "\",\"errtype\":\"Crash\",\"message\":\"k\"}");
        if (Reply.OK.equals(reply)) {
          recoveredReservations.add(jid);
        }
      }
      assertThat(conn.call("MUTATE {\"cmd\":\"requeue\",\"target\":\"retries\",\"filter\":{}}"))
          .isEqualTo(Reply.OK);
      drain(conn, delivered);

      Set<String> mustDeliver = minus(ledger.pushed, ledger.ackSent);
      Set<String> lost = minus(mustDeliver, delivered);
      Set<String> revived = new HashSet<>(ledger.acked);
      revived.retainAll(delivered);
      String summary =
          "pushed=%d fetched=%d ackSent=%d acked=%d delivered=%d viaReservation=%d%n%s"
              .formatted(
                  ledger.pushed.size(),
                  ledger.fetched.size(),
                  ledger.ackSent.size(),
                  ledger.acked.size(),
                  delivered.size(),
                  recoveredReservations.size(),
                  tail(second.log(), 40));
      assertThat(lost.size())
          .as("answered pushes lost by the crash, e.g. %s; %s", sample(lost), summary)
          .isZero();
      assertThat(revived.size())
          .as("acked jobs that came back, e.g. %s; %s", sample(revived), summary)
          .isZero();
      JsonNode info = Wire.info(conn);
      assertThat(Wire.queueSize(info, "crash-a") + Wire.queueSize(info, "crash-b")).isZero();
    }
  }

  private static void push(ServerProcess server, Ledger ledger, AtomicBoolean stop) {
    try (ProtocolConnection conn = server.connect()) {
      for (long n = 0; !stop.get(); n++) {
        ObjectNode job = Wire.job(n % 2 == 0 ? "crash-a" : "crash-b", "Crash", n);
        job.put("retry", 5);
        String jid = job.get("jid").asString();
        Reply reply = conn.call("PUSH " + job);
        if (Reply.OK.equals(reply)) {
          ledger.pushed.add(jid);
        } else {
          ledger.unexpected.add("PUSH " + jid + " -> " + reply);
        }
      }
    } catch (UncheckedIOException | ProtocolException crashed) {
      // the server died under us: whatever was not answered is unknown
    }
  }

  private static void fetchAndAckSome(ServerProcess server, Ledger ledger, AtomicBoolean stop) {
    try (ProtocolConnection conn = server.connect()) {
      while (!stop.get()) {
        Reply reply = conn.call("FETCH " + QUEUES);
        if (!(reply instanceof Reply.Bulk bulk)) {
          if (!(reply instanceof Reply.Null)) {
            ledger.unexpected.add("FETCH -> " + reply);
          }
          continue;
        }
        String jid = JobCodec.MAPPER.readTree(bulk.text()).get("jid").asString();
        ledger.fetched.add(jid);
        if (ThreadLocalRandom.current().nextBoolean()) {
          ledger.ackSent.add(jid);
          Reply ack = conn.call("ACK {\"jid\":\"" + jid + "\"}");
          if (Reply.OK.equals(ack)) {
            ledger.acked.add(jid);
          } else {
            ledger.unexpected.add("ACK " + jid + " -> " + ack);
          }
        }
      }
    } catch (UncheckedIOException | ProtocolException crashed) {
      // the server died under us
    }
  }

  /** FETCH + ACK until both queues are empty; a job delivered twice here is a bug. */
  private static void drain(ProtocolConnection conn, Set<String> delivered) {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    for (JsonNode job; (job = Wire.fetch(conn, QUEUES.split(" "))) != null; ) {
      String jid = job.get("jid").asString();
      assertThat(delivered.add(jid)).as("delivered twice after restart: %s", jid).isTrue();
      Wire.ack(conn, jid);
      assertThat(System.nanoTime()).as("drain finished in time").isLessThan(deadline);
    }
  }

  private static List<String> sample(Set<String> jids) {
    return jids.stream().sorted().limit(10).toList();
  }

  private static String tail(String log, int lines) {
    List<String> all = log.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.removeAll(b);
    return out;
  }
}
