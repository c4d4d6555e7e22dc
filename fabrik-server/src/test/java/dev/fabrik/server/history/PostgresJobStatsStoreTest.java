package dev.fabrik.server.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.postgres.PgSchemas;
import dev.fabrik.server.storage.postgres.PostgresStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresJobStatsStoreTest extends JobStatsStoreContract {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("history");

  @Override
  protected Store open() {
    return schemas.newStore();
  }

  /**
   * Two nodes flush into the same buckets at the same time, each flush touching the rows in a
   * different order of its list: the sums are exact and no flush deadlocks.
   */
  @Test
  void twoNodesFlushingIntoTheSameBucketsAddUpExactly() throws Exception {
    try (PostgresStore other = schemas.reopen((PostgresStore) store);
        ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<?>> flushes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        JobStatsStore node = i % 2 == 0 ? stats : other.history();
        List<HistoryRow> rows = new ArrayList<>();
        for (String type : List.of("A", "B", "C")) {
          rows.add(minute(T0, type, tally(1, i % 3 == 0 ? 1 : 0)));
          rows.add(new HistoryRow(Grain.HOUR, T0, type, tally(1, 0)));
        }
        if (i % 4 < 2) {
          java.util.Collections.reverse(rows);
        }
        flushes.add(pool.submit(() -> node.add(rows)));
      }
      for (Future<?> f : flushes) {
        f.get();
      }

      var minutes = other.history().byType(Grain.MINUTE, T0, T0 + 60);
      assertThat(minutes).containsOnlyKeys("A", "B", "C");
      assertThat(minutes.get("B")).isEqualTo(tally(40, 14));
      assertThat(stats.byType(Grain.HOUR, T0, T0 + 3600).get("C").processed()).isEqualTo(40);
    }
  }
}
