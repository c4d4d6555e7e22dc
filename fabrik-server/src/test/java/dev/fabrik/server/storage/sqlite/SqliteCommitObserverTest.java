package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group commit writer reports each commit's size and time to the store's observer. */
class SqliteCommitObserverTest {
  @TempDir Path dir;

  private record Commit(int operations, long nanos) {}

  private final List<Commit> commits = Collections.synchronizedList(new ArrayList<>());

  private static QueuedJob job(String jid) {
    String json = "{\"jid\":\"" + jid + "\",\"jobtype\":\"T\",\"queue\":\"default\"}";
    return new QueuedJob(jid, "default", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void eachWriteIsReportedBeforeItReturns() {
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      store.onCommit((operations, nanos) -> commits.add(new Commit(operations, nanos)));

      store.enqueue(List.of(job("a"), job("b")));
      assertThat(commits).hasSize(1);
      // One enqueue call is one operation, however many jobs it carries.
      assertThat(commits.getFirst().operations()).isEqualTo(1);
      assertThat(commits.getFirst().nanos()).isPositive();

      store.addToSet(SetName.SCHEDULED, Instant.parse("2030-01-01T00:00:00Z"), job("c"));
      assertThat(commits).hasSize(2);
    }
  }

  @Test
  void concurrentWritesShareCommitsAndEveryOneIsCounted() throws Exception {
    int threads = 8;
    int perThread = 50;
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH);
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      store.onCommit((operations, nanos) -> commits.add(new Commit(operations, nanos)));
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    store.enqueue(List.of(job(thread + "-" + i)));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      assertThat(commits.stream().mapToInt(Commit::operations).sum())
          .isEqualTo(threads * perThread);
      assertThat(commits).hasSizeLessThanOrEqualTo(threads * perThread);
      assertThat(commits).allSatisfy(c -> assertThat(c.operations()).isBetween(1, 2000));
    }
  }

  @Test
  void aThrowingObserverDoesNotFailTheWrite() {
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      store.onCommit(
          (operations, nanos) -> {
            throw new IllegalStateException("observer bug");
          });
      store.enqueue(List.of(job("a")));
      assertThat(store.queueSize("default")).isEqualTo(1);
    }
  }
}
