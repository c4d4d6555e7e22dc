package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault campaign's crash loop (issue 15): the server as its own process under a mixed load
 * ({@link MixedLoad}: PUSH, PUSHB, scheduled PUSH, FETCH, ACK, FAIL, MUTATE), SIGKILLed after a
 * random number of answered commands, restarted on the same data directory, again and again; then
 * one last start where {@link LedgerAudit} reads every job back.
 *
 * <p>The accounting is exact ({@link JobFate}): a command whose reply never came may have taken
 * effect or not, but every answer must hold: a PUSH or PUSHB answered OK is delivered later or was
 * acknowledged, an unanswered PUSHB is stored whole or not at all, a job whose ACK got {@code +OK}
 * is never delivered again, a FAILed job reappears only with that failure counted (from retries,
 * dead, or a requeue of those), a scheduled job runs once due and not before, a MUTATE answered OK
 * stays done, nothing is delivered that was never pushed.
 *
 * <p>{@code -Dfabrik.crashloop.runs=N} kills per round (default 6, about 30 s per setting on a
 * loaded 2-core machine); {@code -Dfabrik.crashloop.rounds=R} rounds per setting (default 1), each
 * on a fresh data directory, so long campaigns ({@code fabrik-bench/scripts/crashloop.sh}) keep the
 * backlog and the ledger small; {@code -Dfabrik.crashloop.seed=S} repeats round 1's choices (kill
 * points, commands; not the threads' interleaving), round r uses S + r - 1; {@code
 * -Dfabrik.crashloop.durabilities=strict} picks the settings. Seeds are in the failure message and
 * the figures lines.
 */
class CrashLoopIT {
  private static final int RUNS = Integer.getInteger("fabrik.crashloop.runs", 6);
  private static final int ROUNDS = Integer.getInteger("fabrik.crashloop.rounds", 1);
  private static final long SEED = Long.getLong("fabrik.crashloop.seed", new Random().nextLong());
  private static final MixedLoad.Mix MIX =
      new MixedLoad.Mix(2, 1, 3, 1, MixedLoad.BULK_SCHEDULED, 0, false);

  /**
   * The kill comes after this many answered commands (uniform), from any connection; in every other
   * run (by the seed) right after the next ACK answered OK, the riskiest moment for an ACK.
   */
  private static final int MIN_ANSWERED = 200;

  private static final int MAX_ANSWERED = 4000;

  @TempDir Path work;

  static Stream<String> durabilities() {
    return Arrays.stream(
        System.getProperty("fabrik.crashloop.durabilities", "normal,strict").split(","));
  }

  @ParameterizedTest(name = "durability {0}")
  @MethodSource("durabilities")
  void everyAnswerHoldsAcrossKills(String durability) throws Exception {
    long started = System.nanoTime();
    Map<String, Long> violations = new TreeMap<>();
    List<String> samples = new ArrayList<>();
    long kills = 0;
    long jobs = 0;
    long commands = 0;
    long killsWithViolations = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      long seed = SEED + round - 1;
      JobLedger r = round(durability, work.resolve("round-" + round), seed);
      kills += RUNS;
      jobs += r.fates().size();
      commands += r.commands();
      killsWithViolations += r.killsWithViolations();
      r.violationCounts().forEach((k, v) -> violations.merge(k, v, Long::sum));
      if (!r.violations().isEmpty() && samples.size() < 3) {
        samples.add("round %d, seed %d:%n%s".formatted(round, seed, r.violationSample(10)));
      }
    }
    String total =
        ("crash loop total durability=%s seed=%d rounds=%d kills=%d kills-with-violations=%d"
                + " jobs=%d commands=%d violations=%d %s in %.0f s")
            .formatted(
                durability,
                SEED,
                ROUNDS,
                kills,
                killsWithViolations,
                jobs,
                commands,
                violations.values().stream().mapToLong(Long::longValue).sum(),
                violations,
                (System.nanoTime() - started) / 1e9);
    FaultFigures.record(total);
    assertThat(violations)
        .as(
            "broken promises (rerun a round with -Dfabrik.crashloop.seed=<its seed>)%n%s%n%s",
            total, String.join("\n", samples))
        .isEmpty();
  }

  /** {@link #RUNS} kills on one data directory, then the audit; returns what it found. */
  private JobLedger round(String durability, Path dataDir, long seed) throws Exception {
    List<String> args = List.of("--durability", durability);
    JobLedger ledger = new JobLedger();
    Random random = new Random(seed);
    BlockingQueue<JobFate> setMembers = MixedLoad.newSetMembers();
    long started = System.nanoTime();
    long loadNanos = 0;
    for (int run = 1; run <= RUNS; run++) {
      try (ServerProcess server = ServerProcess.start(dataDir, args)) {
        LedgerAudit.afterRestart(server, ledger);
        MixedLoad.Trip kill =
            new MixedLoad.Trip(
                MIN_ANSWERED + random.nextInt(MAX_ANSWERED - MIN_ANSWERED),
                random.nextBoolean(),
                server::kill);
        MixedLoad load = MixedLoad.start(server, ledger, MIX, random.nextLong(), kill, setMembers);
        boolean tripped;
        LocalTime killedAt;
        long loadStart = System.nanoTime();
        try {
          tripped = load.awaitTrip(Duration.ofSeconds(60));
        } finally {
          killedAt = LocalTime.now();
          server.kill(); // a no-op when the trip killed it
          killedAt = load.trippedAt() != null ? load.trippedAt() : killedAt;
          loadNanos += System.nanoTime() - loadStart;
          load.close();
        }
        assertThat(tripped)
            .as("run %d (seed %d): %s within 60 s; %s", run, seed, kill, ledger.violationSample(5))
            .isTrue();
        ledger.serverKilled(killedAt);
      }
    }
    long auditStart = System.nanoTime();
    try (ServerProcess server = ServerProcess.start(dataDir, args)) {
      LedgerAudit.afterRestart(server, ledger);
      LedgerAudit.atEnd(server, ledger);
    }
    FaultFigures.record(
        ("crash loop durability=%s seed=%d kills=%d kills-with-violations=%d jobs=%d commands=%d"
                + " violations=%d %s"
                + " in %.1f s (load %.1f s, audit %.1f s); %s")
            .formatted(
                durability,
                seed,
                RUNS,
                ledger.killsWithViolations(),
                ledger.fates().size(),
                ledger.commands(),
                ledger.violations().size(),
                ledger.violationCounts(),
                (System.nanoTime() - started) / 1e9,
                loadNanos / 1e9,
                (System.nanoTime() - auditStart) / 1e9,
                ledger.commandFigures()));
    return ledger;
  }
}
