package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
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
 * <p>{@code -Dfabrik.crashloop.runs=N} kills per setting (default 6, about 30 s per setting on a
 * loaded 2-core machine), {@code -Dfabrik.crashloop.seed=S} repeats a run's choices (kill points,
 * commands; not the threads' interleaving), {@code -Dfabrik.crashloop.durabilities=strict} picks
 * the settings. The seed is in the failure message and the figures line.
 */
class CrashLoopIT {
  private static final int RUNS = Integer.getInteger("fabrik.crashloop.runs", 6);
  private static final long SEED = Long.getLong("fabrik.crashloop.seed", new Random().nextLong());

  /**
   * The kill comes after this many answered commands (uniform), from any connection; in every other
   * run (by the seed) right after the next ACK answered OK, the riskiest moment for an ACK.
   */
  private static final int MIN_ANSWERED = 200;

  private static final int MAX_ANSWERED = 4000;

  @TempDir Path dataDir;

  static Stream<String> durabilities() {
    return Arrays.stream(
        System.getProperty("fabrik.crashloop.durabilities", "normal,strict").split(","));
  }

  @ParameterizedTest(name = "durability {0}")
  @MethodSource("durabilities")
  void everyAnswerHoldsAcrossKills(String durability) throws Exception {
    List<String> args = List.of("--durability", durability);
    JobLedger ledger = new JobLedger();
    Random random = new Random(SEED);
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
        MixedLoad load =
            MixedLoad.start(
                server, ledger, MixedLoad.Mix.CRASH, random.nextLong(), kill, setMembers);
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
            .as("run %d (seed %d): %s within 60 s; %s", run, SEED, kill, ledger.violationSample(5))
            .isTrue();
        ledger.serverKilled(killedAt);
      }
    }
    long auditStart = System.nanoTime();
    try (ServerProcess server = ServerProcess.start(dataDir, args)) {
      LedgerAudit.afterRestart(server, ledger);
      LedgerAudit.atEnd(server, ledger);
    }
    long auditNanos = System.nanoTime() - auditStart;
    String figures =
        "crash loop durability=%s seed=%d kills=%d jobs=%d commands=%d violations=%d %s in %.1f s (load %.1f s, audit %.1f s); %s"
            .formatted(
                durability,
                SEED,
                RUNS,
                ledger.fates().size(),
                ledger.commands(),
                ledger.violations().size(),
                ledger.violationCounts(),
                (System.nanoTime() - started) / 1e9,
                loadNanos / 1e9,
                auditNanos / 1e9,
                ledger.commandFigures());
    FaultFigures.record(figures);
    assertThat(ledger.violationCounts())
        .as(
            "broken promises (seed %d: rerun with -Dfabrik.crashloop.seed=%d)%n%s%n%s",
            SEED, SEED, figures, ledger.violationSample(20))
        .isEmpty();
  }
}
