package dev.fabrik.it;

import dev.fabrik.it.JobFate.Command;
import dev.fabrik.protocol.JobCodec;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Every job the fault tests pushed ({@link JobFate} each), what was sent and answered, and every
 * broken promise found ({@link Violation}), by category. Thread-safe: load threads of several
 * connections write to it at once.
 */
final class JobLedger {
  /** Commands as counted in the figures. */
  enum Verb {
    PUSH,
    PUSHB,
    FETCH,
    ACK,
    FAIL,
    MUTATE
  }

  /** What became of a command. */
  enum Outcome {
    OK,
    REFUSED,
    UNANSWERED
  }

  /** {@code kill}: the kill (numbered from 1) after which it showed, or 0 when none is to blame. */
  record Violation(String category, String detail, int kill) {}

  static final String JOBTYPE = "FaultLoad";

  private final Map<String, JobFate> fates = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Violation> violations = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<UnansweredBatch> unansweredBatches =
      new ConcurrentLinkedQueue<>();

  /** A PUSHB without reply, sent before kill number {@code kill}. */
  private record UnansweredBatch(List<JobFate> jobs, int kill) {}

  private final Map<Verb, LongAdder[]> counts = new EnumMap<>(Verb.class);
  private final AtomicLong nextSeq = new AtomicLong();
  private final AtomicInteger kills = new AtomicInteger();
  private final AtomicLong latestAt = new AtomicLong();

  JobLedger() {
    for (Verb v : Verb.values()) {
      counts.put(v, new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
    }
  }

  /**
   * A new job to push ({@code at} in epoch millis, 0 to run now); its jid is {@code fault-<seq>}.
   */
  JobFate newJob(String queue, int retry, long at) {
    long seq = nextSeq.incrementAndGet();
    JobFate fate = new JobFate("fault-%08d".formatted(seq), seq, queue, retry, at, kills.get());
    fates.put(fate.jid, fate);
    latestAt.accumulateAndGet(at, Math::max);
    return fate;
  }

  /** The job as sent in PUSH/PUSHB: {@code args} carry its sequence number, checked on delivery. */
  static String json(JobFate fate) {
    StringBuilder b =
        new StringBuilder(128)
            .append("{\"jid\":\"")
            .append(fate.jid)
            .append("\",\"jobtype\":\"" + JOBTYPE + "\",\"args\":[")
            .append(fate.seq)
            .append("],\"queue\":\"")
            .append(fate.queue)
            .append("\",\"retry\":")
            .append(fate.retry);
    if (fate.at > 0) {
      b.append(",\"at\":\"").append(Instant.ofEpochMilli(fate.at)).append('"');
    }
    return b.append('}').toString();
  }

  JobFate fate(String jid) {
    return fates.get(jid);
  }

  Collection<JobFate> fates() {
    return fates.values();
  }

  /** The latest {@code at} of any scheduled job (epoch millis), 0 if none. */
  long latestAt() {
    return latestAt.get();
  }

  void count(Verb verb, Outcome outcome) {
    counts.get(verb)[outcome.ordinal()].increment();
  }

  long total(Verb verb, Outcome outcome) {
    return counts.get(verb)[outcome.ordinal()].sum();
  }

  long commands() {
    return counts.values().stream().flatMap(Arrays::stream).mapToLong(LongAdder::sum).sum();
  }

  /**
   * A job FETCH handed out at {@code now} (epoch millis): checks that it was pushed, that its
   * payload is the one pushed, and that its state allowed it. Returns its fate, or null for a job
   * never pushed.
   */
  JobFate delivered(String payload, long now, String how) {
    JsonNode job = JobCodec.MAPPER.readTree(payload);
    String jid = job.path("jid").asString("");
    JobFate fate = fates.get(jid);
    if (fate == null
        || job.path("args").path(0).asLong(-1) != fate.seq
        || !JOBTYPE.equals(job.path("jobtype").asString(""))
        || !fate.queue.equals(job.path("queue").asString(""))) {
      violation("delivered a job never pushed", payload);
      return null;
    }
    JsonNode failure = job.path("failure");
    int version = failure.isObject() ? failure.path("retry_count").asInt(-2) + 1 : 0;
    if (!fate.delivered(version, now, how)) {
      String category =
          fate.at > now && version == 0
              ? "scheduled job delivered before its at"
              : switch (String.valueOf(fate.lastAnswer())) {
                case "ACK OK" -> "ACK OK undone: delivered again";
                case "FAIL OK" -> "FAIL OK undone: delivered without that failure";
                case "REQUEUE OK", "KILL OK", "DISCARD OK" -> "MUTATE OK undone: delivered";
                case "PUSH refused" -> "PUSH -ERR stored anyway: delivered";
                default -> "delivered twice, or in a state it cannot be in";
              };
      violation(category, fate);
    }
    return fate;
  }

  /** A reply {@code fate} cannot have had: the server answered OK for something it did not do. */
  void impossibleReply(JobFate fate, Command command, String reply) {
    violation(command + " answered " + reply + " in no possible state", fate);
  }

  void unexpectedReply(String command, String reply) {
    violation("unexpected reply", command + " -> " + reply);
  }

  /** A PUSHB without reply: all of its jobs must turn up, or none. */
  void batchUnanswered(List<JobFate> batch) {
    unansweredBatches.add(new UnansweredBatch(List.copyOf(batch), kills.get() + 1));
  }

  /** SIGKILL at {@code at}, once every load thread has ended. */
  void serverKilled(LocalTime at) {
    kills.incrementAndGet();
    fates.values().forEach(f -> f.serverKilled(at));
  }

  void noReservations() {
    fates.values().forEach(JobFate::noReservations);
  }

  /** After the final audit: jobs missing that may not be, and batches stored in part. */
  void checkEnd() {
    for (JobFate fate : fates.values()) {
      if (!fate.wasSeenAtEnd() && !fate.mayBeAbsent()) {
        String category =
            switch (String.valueOf(fate.lastAnswer())) {
              case "PUSH OK" -> "PUSH OK lost";
              case "FAIL OK" -> "FAIL OK lost: in neither retries nor dead";
              case "REQUEUE OK", "KILL OK" -> "MUTATE OK lost";
              default -> "job lost after " + fate.lastAnswer();
            };
        violation(category, fate);
      }
    }
    for (UnansweredBatch batch : unansweredBatches) {
      List<JobFate> jobs = batch.jobs();
      long stored = jobs.stream().filter(JobFate::observed).count();
      if (stored != 0 && stored != jobs.size()) {
        String which =
            jobs.stream()
                .map(f -> f.jid + (f.at > 0 ? " (at)" : "") + (f.observed() ? " stored" : ""))
                .toList()
                .toString();
        violations.add(
            new Violation(
                "PUSHB stored in part",
                "%d of %d jobs stored: %s".formatted(stored, jobs.size(), which),
                batch.kill()));
      }
    }
  }

  void violation(String category, String detail) {
    violations.add(new Violation(category, detail, 0));
  }

  private void violation(String category, JobFate fate) {
    violations.add(new Violation(category, fate.history(), fate.killAfterLastAnswer()));
  }

  /** How many distinct kills broke at least one answer. */
  long killsWithViolations() {
    return violations.stream().mapToInt(Violation::kill).filter(k -> k > 0).distinct().count();
  }

  List<Violation> violations() {
    return new ArrayList<>(violations);
  }

  /** {@code category -> count}, sorted by category. */
  Map<String, Long> violationCounts() {
    return violations.stream()
        .collect(Collectors.groupingBy(Violation::category, TreeMap::new, Collectors.counting()));
  }

  /** One line per verb: {@code PUSH ok=.. refused=.. unanswered=..}. */
  String commandFigures() {
    StringBuilder b = new StringBuilder();
    for (Verb v : Verb.values()) {
      b.append(
          "%s ok=%d refused=%d unanswered=%d; "
              .formatted(
                  v,
                  total(v, Outcome.OK),
                  total(v, Outcome.REFUSED),
                  total(v, Outcome.UNANSWERED)));
    }
    return b.toString().trim();
  }

  /** The first {@code limit} violations with each job's history, for a failure message. */
  String violationSample(int limit) {
    return violations.stream()
        .limit(limit)
        .map(v -> "  " + v.category() + ": " + v.detail())
        .collect(Collectors.joining("\n"));
  }
}
