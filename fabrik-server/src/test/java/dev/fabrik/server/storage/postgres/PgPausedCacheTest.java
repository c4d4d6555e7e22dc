package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PgPausedCacheTest {
  private final AtomicLong clock = new AtomicLong(1_000);
  private final AtomicReference<Set<String>> database = new AtomicReference<>(Set.of());
  private final AtomicInteger reads = new AtomicInteger();
  private final PgPausedCache cache =
      new PgPausedCache(
          () -> {
            reads.incrementAndGet();
            return database.get();
          },
          Duration.ofSeconds(1),
          clock::get);

  @Test
  void readsOnceThenServesTheCopyUntilItIsASecondOld() {
    database.set(Set.of("a"));
    assertThat(cache.paused()).containsExactly("a");
    database.set(Set.of("b")); // another node's change
    clock.addAndGet(Duration.ofMillis(999).toNanos());
    assertThat(cache.paused()).containsExactly("a");
    assertThat(reads).hasValue(1);

    clock.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(cache.paused()).containsExactly("b");
    assertThat(reads).hasValue(2);
  }

  @Test
  void invalidateMakesTheNextCallRead() {
    assertThat(cache.paused()).isEmpty();
    database.set(Set.of("q"));
    cache.invalidate();
    assertThat(cache.paused()).containsExactly("q");
    assertThat(reads).hasValue(2);
  }

  @Test
  void aReadOverlappingAnInvalidationIsNotKept() {
    AtomicReference<PgPausedCache> self = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    PgPausedCache racing =
        new PgPausedCache(
            () -> {
              if (calls.incrementAndGet() == 1) {
                // This node pauses "q" while the first read is in flight with the old answer.
                database.set(Set.of("q"));
                self.get().invalidate();
                return Set.of();
              }
              return database.get();
            },
            Duration.ofSeconds(1),
            clock::get);
    self.set(racing);
    assertThat(racing.paused()).isEmpty();
    assertThat(racing.paused()).containsExactly("q");
  }
}
