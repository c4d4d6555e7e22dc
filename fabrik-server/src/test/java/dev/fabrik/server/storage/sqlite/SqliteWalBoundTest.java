package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer keeps the WAL near its limit under a load without pauses (which SQLite's own
 * checkpoints never rewind). Scaled down: a 256 KB limit and 2000 jobs of 200 bytes, each pushed in
 * a commit of its own and then fetched and acked (the ACK's delete joins the next push's commit):
 * ~25 MB of WAL frames without the bound.
 */
class SqliteWalBoundTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final long LIMIT = 256L << 10;
  private static final int JOBS = 2_000;

  @TempDir Path dir;

  @Test
  void theWalStaysBoundedWhileJobsAreEnqueuedAndAcked() throws IOException {
    byte[] payload = new byte[200];
    Arrays.fill(payload, (byte) 'x');
    Path wal = dir.resolve(Schema.FILE_NAME + "-wal");
    long largest = 0;
    try (SqliteStore store =
        SqliteStore.open(
            dir, Durability.PROCESS_CRASH, 1 << 20, 0, d -> WalBudget.forDirectory(d, LIMIT))) {
      for (int i = 0; i < JOBS; i++) {
        // Waited for, so each ACK submitted since shares this commit: no batch grows large.
        store.enqueue(List.of(new QueuedJob("j" + i, "q", payload)));
        Reservation r =
            store.reserve(List.of("q"), "w", T0, any -> T0.plusSeconds(60)).orElseThrow();
        store.acknowledge(r.jid());
        if (i % 20 == 0) {
          largest = Math.max(largest, walSize(wal));
        }
      }
      assertThat(store.counters().processed()).isEqualTo(JOBS);
    }
    // One batch may land past the limit before the writer rewinds; a busy reader may defer it
    // by a batch or two. Without the bound the WAL reaches many times the limit.
    assertThat(largest).isPositive().isLessThan(2 * LIMIT);
  }

  /**
   * A disk running low (free space injected: the writer reads it between batches): the WAL that
   * grew freely while there was room is cut back and then stays within a quarter of what it and the
   * free space hold, instead of growing on until its configured limit (64 MB) fills the disk.
   */
  @Test
  void theWalGivesItsSpaceBackWhenTheDiskRunsLow() throws IOException {
    byte[] payload = new byte[200];
    Arrays.fill(payload, (byte) 'x');
    Path wal = dir.resolve(Schema.FILE_NAME + "-wal");
    AtomicLong free = new AtomicLong(1L << 40);
    AtomicLong clock = new AtomicLong();
    // Every check samples the free space: the clock moves a sample period per reading.
    WalBudget budget =
        new WalBudget(
            Schema.WAL_LIMIT_BYTES, free::get, () -> clock.addAndGet(WalBudget.SAMPLE_NANOS));
    long grown;
    long largestWhenLow = 0;
    try (SqliteStore store =
        SqliteStore.open(dir, Durability.PROCESS_CRASH, 1 << 20, 0, d -> budget)) {
      for (int i = 0; i < 600; i++) {
        pushFetchAck(store, "a" + i, payload);
      }
      grown = walSize(wal);
      free.set(4L << 20);
      for (int i = 0; i < 1_400; i++) {
        pushFetchAck(store, "b" + i, payload);
        if (i >= 20 && i % 20 == 0) {
          largestWhenLow = Math.max(largestWhenLow, walSize(wal));
        }
      }
      assertThat(store.counters().processed()).isEqualTo(2_000);
    }
    assertThat(grown).as("WAL after 600 jobs with room").isGreaterThan(4L << 20);
    // The budget is max(1 MiB, (4 MiB + WAL) / 4), about 1.3 MiB; a batch may land past it.
    assertThat(largestWhenLow).as("largest WAL once the disk ran low").isLessThan(3L << 20);
  }

  private static void pushFetchAck(SqliteStore store, String jid, byte[] payload) {
    store.enqueue(List.of(new QueuedJob(jid, "q", payload)));
    Reservation r = store.reserve(List.of("q"), "w", T0, any -> T0.plusSeconds(60)).orElseThrow();
    store.acknowledge(r.jid());
  }

  private static long walSize(Path wal) throws IOException {
    return Files.exists(wal) ? Files.size(wal) : 0;
  }
}
