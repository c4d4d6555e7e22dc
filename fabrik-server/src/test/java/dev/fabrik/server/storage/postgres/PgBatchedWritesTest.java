package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PgBatchedWritesTest {
  private final PgDatabase db = PgTestDatabase.migrated("batched", 4);
  private final PgBatchedWrites writes =
      new PgBatchedWrites(db, "test writes", Executors.newVirtualThreadPerTaskExecutor());

  @AfterEach
  void drop() {
    PgTestDatabase.drop(db);
    db.close();
  }

  @Test
  void aFailingWriteFailsAloneAndEveryOtherOneCommits() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute(db.sql("CREATE TABLE {s}.t (n integer, id bigserial)"));
    }
    List<CompletableFuture<Integer>> done = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      done.add(
          writes.submit(
              c -> {
                String sql = n == 42 ? "SELECT 1/0" : "INSERT INTO {s}.t(n) VALUES (?)";
                try (PreparedStatement p = c.prepareStatement(db.sql(sql))) {
                  if (n != 42) {
                    p.setInt(1, n);
                  }
                  p.execute();
                }
                return n;
              }));
    }
    for (int i = 0; i < 100; i++) {
      if (i == 42) {
        assertThatThrownBy(done.get(i)::join)
            .hasCauseInstanceOf(StorageException.class)
            .hasMessageContaining("division by zero");
      } else {
        assertThat(done.get(i).join()).isEqualTo(i);
      }
    }
    List<Integer> stored = new ArrayList<>();
    try (Connection c = db.connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(db.sql("SELECT n FROM {s}.t ORDER BY id"))) {
      while (rs.next()) {
        stored.add(rs.getInt(1));
      }
    }
    assertThat(stored).hasSize(99).doesNotContain(42);
    // One writer at a time takes from the queue in order; two writers may interleave batches, so
    // only the set is certain, not the order across batches.
    assertThat(stored)
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.IntStream.range(0, 100).filter(i -> i != 42).boxed().toList());
  }
}
