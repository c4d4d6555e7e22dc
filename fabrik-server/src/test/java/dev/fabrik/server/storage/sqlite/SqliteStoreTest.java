package dev.fabrik.server.storage.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.StoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {

  @TempDir Path dir;

  @TempDir Path images;

  /** Where {@link #open} put the store. */
  private Path storeDir;

  @Override
  protected Store open() {
    storeDir = dir;
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }

  /**
   * The database and its WAL as they are now, copied: what {@code kill -9} at this instant leaves
   * (SQLite's recovery ignores WAL frames of a transaction that had not committed).
   */
  @Override
  protected Optional<CrashImage> crashImage() {
    Path image = images.resolve("image-" + IMAGES.incrementAndGet());
    try {
      Files.createDirectories(image);
      for (String suffix : List.of("", "-wal")) {
        Path file = storeDir.resolve(Schema.FILE_NAME + suffix);
        if (Files.exists(file)) {
          Files.copy(file, image.resolve(file.getFileName()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Optional.of(() -> SqliteStore.open(image, Durability.PROCESS_CRASH));
  }

  private static final AtomicInteger IMAGES = new AtomicInteger();

  @Test
  void periodicPassesOverEmptySetsCommitNothing() {
    try (SqliteStore store = SqliteStore.open(dir.resolve("idle"), Durability.PROCESS_CRASH)) {
      AtomicInteger commits = new AtomicInteger();
      store.onCommit((operations, nanos) -> commits.incrementAndGet());
      Instant now = Instant.parse("2026-11-23T12:00:00Z");
      for (SetName set : SetName.values()) {
        assertThat(store.enqueueDue(set, now, 1000, p -> p)).isZero();
        assertThat(store.purgeDue(set, now, 1000)).isZero();
      }
      assertThat(commits).hasValue(0);

      byte[] payload = "{\"jid\":\"abcdefgh\",\"queue\":\"default\"}".getBytes(UTF_8);
      store.addToSet(
          SetName.SCHEDULED, now.minusSeconds(1), new QueuedJob("abcdefgh", "default", payload));
      assertThat(store.enqueueDue(SetName.SCHEDULED, now, 1000, p -> p)).isEqualTo(1);
      assertThat(commits).hasValue(2);
      assertThat(store.enqueueDue(SetName.SCHEDULED, now, 1000, p -> p)).isZero();
      assertThat(commits).hasValue(2);
    }
  }

  /**
   * The contract with an fsync on every commit. Durability changes one pragma and whether ACK waits
   * for its commit, and each fsync costs up to tens of milliseconds on a loaded machine, so only
   * tests that cover every kind of write (ACK included, and group commit under contention) run
   * here; the rest are reported as skipped.
   */
  @Nested
  @ExtendWith(PowerLoss.Subset.class)
  class PowerLoss extends StoreContract {

    static final Set<String> TESTS =
        Set.of(
            "enqueueThenReserveThenAck",
            "anAckOrFailHoldsAfterACrashAtTheMomentItIsAnswered",
            "aRepeatedAckIsAnsweredOnlyOnceTheFirstHolds",
            "eachQueueIsFifoAcrossManyPushes",
            "queuesStayKnownWhileEmptyUntilRemoved",
            "failWithRetryDeadAndDiscard",
            "enqueueDueMovesOnlyDueEntriesToTheBackWithRestampedPayload",
            "mutateRequeueAndDelete",
            "mutateByKeysActsOnSelectedEntriesOnly",
            "mutateByQueryActsOnEveryMatch",
            "flushWipesEverything",
            "concurrentProducersAndConsumersLoseAndDuplicateNothing");

    @Override
    protected Store open() {
      storeDir = dir.resolve("full");
      return SqliteStore.open(storeDir, Durability.POWER_LOSS);
    }

    @Override
    protected Optional<CrashImage> crashImage() {
      return SqliteStoreTest.this.crashImage();
    }

    static final class Subset implements ExecutionCondition {
      @Override
      public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return context
            .getTestMethod()
            .map(Method::getName)
            .filter(name -> !TESTS.contains(name))
            .map(name -> ConditionEvaluationResult.disabled("covered under PROCESS_CRASH"))
            .orElse(ConditionEvaluationResult.enabled("in the POWER_LOSS subset"));
      }
    }
  }
}
