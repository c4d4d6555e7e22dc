package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.StorageException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer: every write completes only after its commit, a failing write fails alone, and the
 * batches it cuts keep small writes from waiting behind bulk ones (and bulk ones from starving).
 * Deterministic: a {@link Hold} keeps the writer busy while the test queues what the next batch
 * will hold, and each write records the batch it ran in.
 */
class GroupCommitWriterTest {

  @TempDir Path dir;

  private GroupCommitWriter writer;

  @BeforeEach
  void open() throws SQLException {
    Path file = dir.resolve(Schema.FILE_NAME);
    Connection c = Schema.openWriter(file, Durability.PROCESS_CRASH, 0, Schema.WAL_LIMIT_BYTES);
    writer =
        new GroupCommitWriter(
            WriteQueue.Limits.DEFAULT,
            new StorageErrors(),
            c,
            Path.of(file + "-wal"),
            WalBudget.forDirectory(dir, Schema.WAL_LIMIT_BYTES),
            new ReentrantLock(),
            rows -> {},
            () -> {},
            queues -> {});
    writer.write(tx -> tx.prepare("CREATE TABLE log(n INTEGER NOT NULL)").executeUpdate());
    writer.observe(
        (operations, nanos) -> batches.add(List.copyOf(running.getAndSet(new ArrayList<>()))));
  }

  /** What ran in each committed batch, in order; filled on the writer thread. */
  private final List<List<String>> batches = new CopyOnWriteArrayList<>();

  private final AtomicReference<List<String>> running = new AtomicReference<>(new ArrayList<>());

  /** A write of {@code rows} rows named {@code name} that records which batch it ran in. */
  private CompletableFuture<Integer> submit(String name, int rows) {
    return writer.submitAsync(
        tx -> {
          running.get().add(name);
          return insert(tx, rows);
        },
        rows,
        100L * rows);
  }

  @AfterEach
  void close() {
    writer.close();
  }

  /** A write of {@code 1} that keeps the writer busy until {@link #release}. */
  private final class Hold {
    final CountDownLatch release = new CountDownLatch(1);
    final CompletableFuture<Integer> write;

    Hold() throws InterruptedException {
      CountDownLatch running = new CountDownLatch(1);
      write =
          CompletableFuture.supplyAsync(
              () ->
                  writer.write(
                      tx -> {
                        running.countDown();
                        await(release);
                        return insert(tx, 1);
                      }));
      assertThat(running.await(10, TimeUnit.SECONDS)).as("the writer runs the hold").isTrue();
    }

    int release() throws Exception {
      release.countDown();
      return write.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWriteCompletesOnlyAfterItsCommitAndWritesOfALaneKeepTheirOrder() throws Exception {
    Hold hold = new Hold();
    CompletableFuture<Integer> two = writer.submitAsync(tx -> insert(tx, 2), 1, 0);
    CompletableFuture<Integer> three = writer.submitAsync(tx -> insert(tx, 3), 1, 0);
    assertThat(two).isNotDone();
    assertThat(three).isNotDone();

    assertThat(hold.release()).isEqualTo(1);
    assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(writer.write(GroupCommitWriterTest::logged)).containsExactly(1, 2, 3);
  }

  @Test
  void aFailingWriteFailsAloneAndTheRestOfItsBatchCommits() throws Exception {
    Hold hold = new Hold();
    // These three run as one batch once the writer is free; the middle one breaks it.
    CompletableFuture<Integer> two = writer.submitAsync(tx -> insert(tx, 2), 1, 0);
    CompletableFuture<Integer> broken =
        writer.submitAsync(
            tx -> tx.prepare("INSERT INTO log(n) VALUES (NULL)").executeUpdate(), 1, 0);
    CompletableFuture<Integer> four = writer.submitAsync(tx -> insert(tx, 4), 1, 0);

    assertThat(hold.release()).isEqualTo(1);
    assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(four.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThatThrownBy(() -> broken.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StorageException.class);
    assertThat(writer.write(GroupCommitWriterTest::logged)).containsExactly(1, 2, 4);
  }

  @Test
  void anAckQueuedBehindAPushbFloodGoesInTheNextBatch() throws Exception {
    Hold hold = new Hold();
    List<CompletableFuture<Integer>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(submit("pushb-" + i, 1000));
    }
    all.add(submit("ack", 1));
    hold.release();
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    // batches.get(0) is the hold's
    List<String> next = batches.get(1);
    assertThat(next).startsWith("ack");
    assertThat(next.size() - 1)
        .as("PUSHBs sharing the ACK's batch")
        .isBetween(1, WriteQueue.Limits.DEFAULT.rows() / 1000);
    // Every later batch is bounded too, and together they carry the whole flood in order.
    List<String> flood = new ArrayList<>();
    for (List<String> batch : batches.subList(1, batches.size())) {
      assertThat(batch.stream().filter(n -> n.startsWith("pushb")).count())
          .isBetween(1L, (long) WriteQueue.Limits.DEFAULT.rows() / 1000);
      batch.stream().filter(n -> n.startsWith("pushb")).forEach(flood::add);
    }
    assertThat(flood).hasSize(50).startsWith("pushb-0", "pushb-1").endsWith("pushb-49");
  }

  @Test
  void aBulkWriteGoesInTheNextBatchHoweverManySmallWritesCameFirst() throws Exception {
    Hold hold = new Hold();
    List<CompletableFuture<Integer>> all = new ArrayList<>();
    int small = 3 * WriteQueue.Limits.DEFAULT.rows();
    for (int i = 0; i < small; i++) {
      all.add(submit("ack-" + i, 1));
    }
    all.add(submit("pushb", 1000));
    hold.release();
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    List<String> next = batches.get(1);
    assertThat(next).endsWith("pushb").contains("ack-0").doesNotContain("ack-" + (small - 1));
  }

  @Test
  void submitAfterCloseIsRefused() {
    writer.close();
    assertThatThrownBy(() -> writer.submitAsync(tx -> insert(tx, 1), 1, 0))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void closeCommitsWhatWasSubmittedBefore() throws SQLException {
    for (int i = 0; i < 100; i++) {
      int n = i;
      writer.submitAsync(tx -> insert(tx, n), i % 2 == 0 ? 1 : 1000, 0);
    }
    writer.close();
    try (Connection c = Schema.openReader(dir.resolve(Schema.FILE_NAME));
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM log")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(100);
    }
  }

  private static int insert(Tx tx, int n) throws SQLException {
    PreparedStatement ps = tx.prepare("INSERT INTO log(n) VALUES (?)");
    ps.setInt(1, n);
    return ps.executeUpdate();
  }

  private static List<Integer> logged(Tx tx) throws SQLException {
    List<Integer> out = new ArrayList<>();
    try (ResultSet rs = tx.prepare("SELECT n FROM log ORDER BY rowid").executeQuery()) {
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
    }
    return out;
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
