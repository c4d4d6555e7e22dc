package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyOrderedWritesTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();
  // "a" and "b" hash onto different lanes of 8.
  private final KeyOrderedWrites writes = new KeyOrderedWrites(8, executor);
  private final List<String> done = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    executor.shutdownNow();
  }

  private CompletableFuture<String> blockedWrite(String name, List<String> keys) {
    return writes.submit(
        keys,
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          done.add(name);
          return name;
        });
  }

  private CompletableFuture<String> write(String name, List<String> keys) {
    return writes.submit(
        keys,
        () -> {
          done.add(name);
          return name;
        });
  }

  @Test
  void aWriteWaitsForEarlierWritesOnItsKeyOnly() {
    CompletableFuture<String> a1 = blockedWrite("a1", List.of("a"));
    CompletableFuture<String> a2 = write("a2", List.of("a"));
    CompletableFuture<String> b1 = write("b1", List.of("b"));

    assertThat(b1.join()).isEqualTo("b1"); // not held back by a1
    assertThat(a2).isNotDone();
    assertThat(writes.drained(List.of("a"))).isNotDone();
    assertThat(writes.drained(List.of("b")).join()).isNull(); // nothing of "a" waited for

    release.countDown();
    a2.join();
    assertThat(done).containsExactly("b1", "a1", "a2");
    assertThat(writes.drainedAll().join()).isNull();
  }

  @Test
  void aWriteOnSeveralKeysWaitsForAllOfThemAndHoldsThemBack() {
    CompletableFuture<String> a1 = blockedWrite("a1", List.of("a"));
    CompletableFuture<String> ab = write("ab", List.of("a", "b"));
    CompletableFuture<String> b2 = write("b2", List.of("b"));

    assertThat(ab).isNotDone();
    assertThat(b2).isNotDone();
    assertThat(writes.drainedAll()).isNotDone();

    release.countDown();
    CompletableFuture.allOf(a1, ab, b2).join();
    assertThat(done).containsExactly("a1", "ab", "b2");
  }

  @Test
  void aFailedWriteFailsItsOwnStageOnlyAndTheNextOneRuns() {
    CompletableFuture<String> failed =
        writes.submit(
            List.of("a"),
            () -> {
              throw new IllegalStateException("boom");
            });
    CompletableFuture<String> next = write("a2", List.of("a"));

    assertThat(next.join()).isEqualTo("a2");
    assertThatThrownBy(failed::join)
        .isInstanceOf(CompletionException.class)
        .hasRootCauseMessage("boom");
  }

  @Test
  void aWriteWithoutKeysRunsAtOnce() {
    blockedWrite("a1", List.of("a"));
    assertThat(write("free", List.of()).join()).isEqualTo("free");
  }
}
