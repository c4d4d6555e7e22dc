package dev.fabrik.it;

import static org.awaitility.Awaitility.await;

import dev.fabrik.it.JobFate.Command;
import dev.fabrik.it.JobFate.Where;
import dev.fabrik.it.JobLedger.Outcome;
import dev.fabrik.it.JobLedger.Verb;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * Reads back what a (re)started server holds and holds it against the {@link JobLedger}: after
 * every restart, which reservations survived; at the end, every job wherever it is.
 */
final class LedgerAudit {
  /**
   * How long after its {@code at} a scheduled job may still wait (the scheduler runs every 1 s).
   */
  static final Duration SCHEDULED_LATENESS = Duration.ofSeconds(10);

  private static final String FETCH_ALL = "FETCH " + String.join(" ", MixedLoad.QUEUES);

  private LedgerAudit() {}

  /**
   * Before any load on a restarted server: if INFO reports no reservation ({@code working} 0, as
   * when reservations live in memory) none survived; otherwise each job that may still be reserved
   * is FAILed as its worker would after reconnecting: {@code +OK} proves the reservation survived
   * (the job moves to retries), {@code -ERR Job not found} that it did not.
   */
  static void afterRestart(ServerProcess server, JobLedger ledger) {
    try (ProtocolConnection conn = server.connect()) {
      if (sets(conn).path("working").asLong(-1) == 0) {
        ledger.noReservations();
        return;
      }
      for (JobFate fate : ledger.fates()) {
        if (fate.mayBeReserved()) {
          probe(conn, ledger, fate);
        }
      }
    }
  }

  private static void probe(ProtocolConnection conn, JobLedger ledger, JobFate fate) {
    long bit = fate.begin(Command.FAIL, null, System.currentTimeMillis());
    Reply reply = conn.call(failLine(fate, "restart"));
    if (Reply.OK.equals(reply)) {
      ledger.count(Verb.FAIL, Outcome.OK);
      fate.markObserved();
      if (!fate.confirmed(Command.FAIL, bit, System.currentTimeMillis())) {
        ledger.impossibleReply(fate, Command.FAIL, "+OK");
      }
    } else if (reply instanceof Reply.Error e && e.message().startsWith("Job not found")) {
      ledger.count(Verb.FAIL, Outcome.REFUSED);
      if (!fate.refused(Command.FAIL, bit, true)) {
        ledger.impossibleReply(fate, Command.FAIL, reply.toString());
      }
    } else {
      ledger.unexpectedReply("FAIL probe " + fate.jid, reply.toString());
      fate.unanswered(Command.FAIL, bit);
    }
  }

  /**
   * With no more kills: scheduled jobs must run once due; then every queue is drained and every set
   * requeued and drained, each job checked against its fate; reservations left from commands whose
   * replies were lost are FAILed to find them; what remains must account for every job.
   */
  static void atEnd(ServerProcess server, JobLedger ledger) {
    try (ProtocolConnection conn = server.connect()) {
      awaitScheduledRun(conn, ledger);
      long drained = drain(conn, ledger, "FETCH at the end");
      for (Where set : List.of(Where.RETRY, Where.DEAD, Where.SCHEDULED)) {
        String target = wireName(set);
        Reply reply = conn.call("MUTATE {\"cmd\":\"requeue\",\"target\":\"" + target + "\"}");
        if (!Reply.OK.equals(reply)) {
          ledger.unexpectedReply("MUTATE requeue " + target, reply.toString());
          continue;
        }
        ledger.fates().forEach(f -> f.setRequeued(set));
        drained += drain(conn, ledger, "requeued from " + target);
      }
      long found = findLostReservations(conn, ledger, drained);
      JsonNode info = Wire.info(conn);
      JsonNode sets = info.path("faktory").path("sets");
      long queued = MixedLoad.QUEUES.stream().mapToLong(q -> Wire.queueSize(info, q)).sum();
      if (queued != 0
          || sets.path("scheduled").asLong() != 0
          || sets.path("retries").asLong() + sets.path("dead").asLong() != found) {
        ledger.violation("jobs left that no client pushed", info.path("faktory").toString());
      }
    }
    ledger.checkEnd();
  }

  private static void awaitScheduledRun(ProtocolConnection conn, JobLedger ledger) {
    long now = System.currentTimeMillis();
    long wait = Math.max(ledger.latestAt() - now, 0) + SCHEDULED_LATENESS.toMillis();
    try {
      await("scheduled jobs enqueued once due")
          .pollInSameThread()
          .pollInterval(Duration.ofMillis(100))
          .atMost(Duration.ofMillis(wait))
          .until(() -> sets(conn).path("scheduled").asLong() == 0);
    } catch (ConditionTimeoutException e) {
      ledger.violation(
          "scheduled job not run when due",
          "%d still scheduled %s after the latest at"
              .formatted(sets(conn).path("scheduled").asLong(), SCHEDULED_LATENESS));
    }
  }

  /**
   * FETCHes until the queues are empty; returns how many jobs it got. They stay reserved: an ACK
   * each would cost a commit each (an fsync under strict), and nothing is checked after this.
   */
  private static long drain(ProtocolConnection conn, JobLedger ledger, String how) {
    long got = 0;
    int emptyRounds = 0;
    for (long queued; (queued = queued(conn)) > 0; ) {
      if (emptyRounds++ > 3) {
        ledger.violation("queued jobs FETCH does not hand out", queued + " in " + how);
        break;
      }
      // Pipelined, up to 100 at a time: the queues hold tens of thousands of jobs.
      int batch = (int) Math.min(queued, 100);
      for (int i = 0; i < batch; i++) {
        conn.send(FETCH_ALL);
      }
      conn.flush();
      for (int i = 0; i < batch; i++) {
        if (!(conn.read() instanceof Reply.Bulk bulk)) {
          continue; // another look at INFO decides
        }
        emptyRounds = 0;
        got++;
        JobFate fate = ledger.delivered(bulk.text(), System.currentTimeMillis(), how);
        if (fate != null) {
          fate.seenAtEnd();
        }
      }
    }
    return got;
  }

  /**
   * A FETCH whose reply was lost in a kill may have reserved a job no client knows it holds; if
   * such reservations survived restarts, they are the only jobs the drains could not see. FAIL
   * finds them (the job then waits in retries); returns how many. The {@code drained} jobs are
   * reserved by the audit itself.
   */
  private static long findLostReservations(
      ProtocolConnection conn, JobLedger ledger, long drained) {
    long working = sets(conn).path("working").asLong(-1) - drained;
    if (working == 0) {
      return 0;
    }
    long found = 0;
    for (JobFate fate : ledger.fates()) {
      if (!fate.wasSeenAtEnd()
          && fate.mayBePresent()
          && Reply.OK.equals(conn.call(failLine(fate, "audit")))) {
        fate.seenAtEnd();
        fate.markObserved();
        found++;
      }
    }
    if (found != working) {
      ledger.violation(
          "reservations no job accounts for", "working=%d, found %d".formatted(working, found));
    }
    return found;
  }

  private static long queued(ProtocolConnection conn) {
    JsonNode info = Wire.info(conn);
    return MixedLoad.QUEUES.stream().mapToLong(q -> Wire.queueSize(info, q)).sum();
  }

  private static JsonNode sets(ProtocolConnection conn) {
    return Wire.info(conn).path("faktory").path("sets");
  }

  private static String failLine(JobFate fate, String message) {
    return "FAIL {\"jid\":\""
        + fate.jid
        + "\",\"errtype\":\"Fault\",\"message\":\""
        + message
        + "\"}";
  }

  static String wireName(Where set) {
    return switch (set) {
      case RETRY -> "retries";
      case SCHEDULED -> "scheduled";
      case DEAD -> "dead";
      default -> throw new IllegalArgumentException(set + " is not a set");
    };
  }
}
