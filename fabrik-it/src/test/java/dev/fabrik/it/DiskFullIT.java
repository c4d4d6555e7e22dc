package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;
import static org.awaitility.Awaitility.await;

import dev.fabrik.it.JobFate.Command;
import dev.fabrik.it.JobLedger.Outcome;
import dev.fabrik.it.JobLedger.Verb;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real full disk (a small tmpfs, {@link Tmpfs}) under the mixed load of the crash loop, in both
 * durabilities. While it is full, a write that could not be stored must get {@code -ERR} and only
 * stored ones {@code +OK}; reads (INFO, FETCH) go on; the log stays short however many writes fail;
 * once space is freed, writes succeed again; after a SIGKILL and a restart, every answer holds,
 * checked job by job by the {@link JobLedger} as in {@link CrashLoopIT}. The disk (32 MiB) is
 * smaller than the WAL's configured limit (64 MiB): the WAL must give space back when the disk runs
 * low, or it refills what was freed and the restarted server can neither checkpoint nor write.
 */
class DiskFullIT {
  private static final long DISK_BYTES = 32L << 20;

  /** Free space left by the ballast file: a few hundred padded jobs. */
  private static final long LEAVE_BYTES = 256L << 10;

  /** Writes refused before the disk counts as full for long enough. */
  private static final long REFUSED_WRITES = 500;

  /**
   * Log output allowed while the disk is full (a few seconds, thousands of failed writes): room for
   * a line per interval from each part that fails and a stack trace or two, not one per failure.
   */
  static final int MAX_LOG_LINES = 60;

  static final int MAX_LOG_BYTES = 24 * 1024;

  private static final MixedLoad.Mix FULL =
      new MixedLoad.Mix(2, 1, 2, 1, MixedLoad.BULK_SCHEDULED, 1024, true);
  private static final MixedLoad.Mix NORMAL =
      new MixedLoad.Mix(2, 1, 2, 1, MixedLoad.BULK_SCHEDULED, 0, false);

  @TempDir Path work;

  @ParameterizedTest(name = "durability {0}")
  @ValueSource(strings = {"normal", "strict"})
  void answersHoldWhenTheDiskFills(String durability) throws Exception {
    List<String> args = List.of("--durability", durability);
    JobLedger ledger = new JobLedger();
    BlockingQueue<JobFate> setMembers = MixedLoad.newSetMembers();
    Random seeds = new Random(durability.hashCode());
    String figures;
    String fullLog;
    String atKill;
    try (Tmpfs disk = Tmpfs.mount(work.resolve("disk"), DISK_BYTES)) {
      Path dataDir = disk.path().resolve("data");
      Path ballast = disk.path().resolve("ballast");
      try (ServerProcess server = ServerProcess.start(dataDir, args)) {
        runUntilAnswered(server, ledger, NORMAL, seeds.nextLong(), 1500, setMembers);

        disk.fill(ballast, LEAVE_BYTES);
        int logStart = server.log().length();
        long fullSince = System.nanoTime();
        long refusedBefore = refusedWrites(ledger);
        MixedLoad full =
            MixedLoad.start(
                server, ledger, FULL, seeds.nextLong(), MixedLoad.Trip.NEVER, setMembers);
        try {
          await("%d writes refused on the full disk".formatted(REFUSED_WRITES))
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(50))
              .until(() -> refusedWrites(ledger) - refusedBefore >= REFUSED_WRITES);
          assertReadsServed(server);
        } finally {
          full.close();
        }
        fullLog = server.log().substring(logStart);
        long refusedWhileFull = refusedWrites(ledger) - refusedBefore;
        double fullSeconds = (System.nanoTime() - fullSince) / 1e9;

        Files.delete(ballast);
        awaitWritesAgain(server, ledger);
        runUntilAnswered(server, ledger, NORMAL, seeds.nextLong(), 1500, setMembers);
        server.kill();
        ledger.serverKilled(LocalTime.now());
        atKill = disk.listing();

        figures =
            ("disk full durability=%s: %d writes refused in %.1f s full, log meanwhile %d lines"
                    + " %d bytes; %s; files at the kill: %s")
                .formatted(
                    durability,
                    refusedWhileFull,
                    fullSeconds,
                    fullLog.lines().count(),
                    fullLog.length(),
                    ledger.commandFigures(),
                    atKill);
      }
      try (ServerProcess server = ServerProcess.start(dataDir, args)) {
        LedgerAudit.afterRestart(server, ledger);
        LedgerAudit.atEnd(server, ledger);
      }
    }
    FaultFigures.record(figures + "; violations " + ledger.violationCounts());
    FaultFigures.keep("disk-full-" + durability + ".log", fullLog);
    String log = fullLog;
    assertSoftly(
        softly -> {
          softly
              .assertThat(ledger.violationCounts())
              .as("broken promises%n%s%n%s", figures, ledger.violationSample(20))
              .isEmpty();
          softly
              .assertThat(log.lines().count())
              .as(
                  "log lines while the disk was full (one per interval, not per failure):%n%s",
                  head(log))
              .isLessThanOrEqualTo(MAX_LOG_LINES);
          softly
              .assertThat(log.length())
              .as("log bytes while the disk was full")
              .isLessThanOrEqualTo(MAX_LOG_BYTES);
        });
  }

  private static void runUntilAnswered(
      ServerProcess server,
      JobLedger ledger,
      MixedLoad.Mix mix,
      long seed,
      long commands,
      BlockingQueue<JobFate> setMembers)
      throws InterruptedException {
    MixedLoad.Trip stop = new MixedLoad.Trip(commands, false, () -> {});
    try (MixedLoad load = MixedLoad.start(server, ledger, mix, seed, stop, setMembers)) {
      assertThat(load.awaitTrip(Duration.ofSeconds(60)))
          .as("%d commands answered; %s", commands, ledger.violationSample(5))
          .isTrue();
    }
  }

  private static long refusedWrites(JobLedger ledger) {
    long n = 0;
    for (Verb v : List.of(Verb.PUSH, Verb.PUSHB, Verb.ACK, Verb.FAIL, Verb.MUTATE)) {
      n += ledger.total(v, Outcome.REFUSED);
    }
    return n;
  }

  /** INFO answers, and so does FETCH (a job or nothing, never an error), on a fresh connection. */
  private static void assertReadsServed(ServerProcess server) {
    try (ProtocolConnection conn = server.connect()) {
      assertThat(Wire.info(conn).path("faktory").path("queues").isObject()).isTrue();
      Reply fetch = conn.call("FETCH no-such-queue-" + System.nanoTime());
      assertThat(fetch).as("FETCH while the disk is full").isEqualTo(Reply.NULL);
    }
  }

  /** Once the ballast is gone, a PUSH must soon be stored again (each try is in the ledger). */
  private static void awaitWritesAgain(ServerProcess server, JobLedger ledger) {
    try (ProtocolConnection conn = server.connect()) {
      await("a PUSH stored once space is free")
          .atMost(Duration.ofSeconds(30))
          .pollInSameThread()
          .pollInterval(Duration.ofMillis(100))
          .until(() -> push(conn, ledger));
    }
  }

  private static boolean push(ProtocolConnection conn, JobLedger ledger) {
    JobFate fate = ledger.newJob(MixedLoad.QUEUES.getFirst(), 1, 0);
    long bit = fate.begin(Command.PUSH, null, System.currentTimeMillis());
    Reply reply = conn.call("PUSH " + JobLedger.json(fate));
    boolean ok = Reply.OK.equals(reply);
    ledger.count(Verb.PUSH, ok ? Outcome.OK : Outcome.REFUSED);
    boolean possible =
        ok
            ? fate.confirmed(Command.PUSH, bit, System.currentTimeMillis())
            : fate.refused(Command.PUSH, bit, false);
    if (!possible) {
      ledger.impossibleReply(fate, Command.PUSH, reply.toString());
    }
    return ok;
  }

  private static String head(String log) {
    return log.lines().limit(30).reduce("", (a, b) -> a + b + "\n");
  }
}
