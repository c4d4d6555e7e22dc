package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.StoreContract;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {

  @TempDir Path dir;

  @Override
  protected Store open() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
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
      return SqliteStore.open(dir.resolve("full"), Durability.POWER_LOSS);
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
