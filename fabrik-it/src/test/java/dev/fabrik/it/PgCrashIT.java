package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kill -9} of server nodes sharing one PostgreSQL schema, under the crash loop's mixed load
 * ({@link MixedLoad}) on both nodes, accounted exactly by {@link JobLedger}: a PUSH answered OK is
 * never lost, a job whose ACK was answered OK is never delivered again, whatever node answered and
 * whichever node died. Either node A alone dies (node B keeps serving its load and running the
 * cluster's periodic work, then A restarts) or both die at once and both restart. Finally {@link
 * LedgerAudit} reads every job back through one node.
 *
 * <p>{@code -Dfabrik.pgcrash.runs=N} kills per setting (default 3); {@code -Dfabrik.pgcrash.seed=S}
 * repeats the kill points and commands.
 */
class PgCrashIT {
  private static final int RUNS = Integer.getInteger("fabrik.pgcrash.runs", 3);
  private static final long SEED = Long.getLong("fabrik.pgcrash.seed", new Random().nextLong());
  private static final MixedLoad.Mix MIX =
      new MixedLoad.Mix(2, 1, 3, 1, MixedLoad.BULK_SCHEDULED, 0, false);
  private static final int MIN_ANSWERED = 200;
  private static final int MAX_ANSWERED = 1500;

  @TempDir Path unused; // ServerProcess always passes --data-dir; PostgreSQL ignores it

  @ParameterizedTest(name = "killed: {0}")
  @ValueSource(strings = {"one of two", "both"})
  void everyAnswerHoldsWhenNodesAreKilledUnderLoad(String killed) throws Exception {
    boolean both = killed.equals("both");
    long started = System.nanoTime();
    long loadNanos = 0;
    long auditNanos = 0;
    Random random = new Random(SEED);
    JobLedger ledger = new JobLedger();
    BlockingQueue<JobFate> setMembers = MixedLoad.newSetMembers();
    ServerProcess[] node = new ServerProcess[2];
    try (PgSchema schema = PgSchema.fresh("it_pg_crash")) {
      try {
        for (int run = 1; run <= RUNS; run++) {
          for (int i = 0; i < 2; i++) {
            if (node[i] == null || !node[i].alive()) {
              node[i] = ServerProcess.start(unused, schema.flags());
            }
          }
          LedgerAudit.afterRestart(node[0], ledger);
          ServerProcess a = node[0];
          ServerProcess b = node[1];
          Runnable kill =
              both
                  ? () -> {
                    a.kill();
                    b.kill();
                  }
                  : a::kill;
          MixedLoad.Trip trip =
              new MixedLoad.Trip(
                  MIN_ANSWERED + random.nextInt(MAX_ANSWERED - MIN_ANSWERED),
                  random.nextBoolean(),
                  kill);
          MixedLoad onA = MixedLoad.start(a, ledger, MIX, random.nextLong(), trip, setMembers);
          MixedLoad onB =
              MixedLoad.start(b, ledger, MIX, random.nextLong(), MixedLoad.Trip.NEVER, setMembers);
          boolean tripped;
          LocalTime killedAt;
          long loadStart = System.nanoTime();
          try {
            tripped = onA.awaitTrip(Duration.ofSeconds(60));
          } finally {
            killedAt = LocalTime.now();
            kill.run(); // a no-op when the trip killed already
            killedAt = onA.trippedAt() != null ? onA.trippedAt() : killedAt;
            onA.close();
            onB.close(); // with B alive, its load ran on through A's death
            loadNanos += System.nanoTime() - loadStart;
          }
          assertThat(tripped)
              .as(
                  "run %d (seed %d): %s within 60 s; %s",
                  run, SEED, trip, ledger.violationSample(5))
              .isTrue();
          ledger.serverKilled(killedAt);
        }
        for (int i = 0; i < 2; i++) {
          if (!node[i].alive()) {
            node[i] = ServerProcess.start(unused, schema.flags());
          }
        }
        long auditStart = System.nanoTime();
        LedgerAudit.afterRestart(node[0], ledger);
        LedgerAudit.atEnd(node[1], ledger);
        auditNanos = System.nanoTime() - auditStart;
      } finally {
        for (ServerProcess n : node) {
          if (n != null) {
            n.close();
          }
        }
      }
    }
    String figures =
        "pg crash killed=%s seed=%d kills=%d jobs=%d commands=%d violations=%d %s in %.1f s (load %.1f s, audit %.1f s); %s"
            .formatted(
                killed,
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
    assertThat(ledger.violations())
        .as(
            "broken promises (rerun with -Dfabrik.pgcrash.seed=%d)%n%s%n%s",
            SEED, figures, ledger.violationSample(10))
        .isEmpty();
  }
}
