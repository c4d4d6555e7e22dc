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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's two ways in: {@code write} waits for the commit, {@code submit} does not. */
class GroupCommitWriterTest {

  @TempDir Path dir;

  private GroupCommitWriter writer;

  @BeforeEach
  void open() throws SQLException {
    Path file = dir.resolve(Schema.FILE_NAME);
    Connection c = Schema.openWriter(file, Durability.PROCESS_CRASH, 0, Schema.WAL_LIMIT_BYTES);
    writer =
        new GroupCommitWriter(
            c,
            Path.of(file + "-wal"),
            Schema.WAL_LIMIT_BYTES,
            new ReentrantLock(),
            rows -> {},
            () -> {},
            queues -> {});
    writer.write(tx -> tx.prepare("CREATE TABLE log(n INTEGER NOT NULL)").executeUpdate());
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
  void submitReturnsBeforeItsBatchRunsAndKeepsTheOrderOfWrites() throws Exception {
    Hold hold = new Hold();

    // The writer is busy with the first batch: submit must not wait for it.
    CompletableFuture<Void> submitted =
        CompletableFuture.runAsync(
            () -> {
              writer.submit(tx -> insert(tx, 2), "insert", "2");
              writer.submit(tx -> insert(tx, 3), "insert", "3");
            });
    submitted.get(10, TimeUnit.SECONDS);
    assertThat(hold.write).isNotDone();

    assertThat(hold.release()).isEqualTo(1);
    // A write queued after the submits sees them, in order.
    assertThat(writer.write(GroupCommitWriterTest::logged)).containsExactly(1, 2, 3);
  }

  @Test
  void aFailingSubmittedWriteFailsAloneAndTheRestOfItsBatchCommits() throws Exception {
    Hold hold = new Hold();
    // These three run as one batch once the writer is free; the middle one breaks it.
    writer.submit(tx -> insert(tx, 2), "insert", "2");
    writer.submit(
        tx -> tx.prepare("INSERT INTO log(n) VALUES (NULL)").executeUpdate(), "insert", "null");
    CompletableFuture<Integer> after =
        CompletableFuture.supplyAsync(() -> writer.write(tx -> insert(tx, 4)));

    assertThat(hold.release()).isEqualTo(1);
    assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(writer.write(GroupCommitWriterTest::logged)).containsExactly(1, 2, 4);
  }

  @Test
  void submitAfterCloseIsRefused() {
    writer.close();
    assertThatThrownBy(() -> writer.submit(tx -> insert(tx, 1), "insert", "late"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void closeCommitsWhatWasSubmittedBefore() throws SQLException {
    for (int i = 0; i < 100; i++) {
      int n = i;
      writer.submit(tx -> insert(tx, n), "insert", String.valueOf(n));
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
