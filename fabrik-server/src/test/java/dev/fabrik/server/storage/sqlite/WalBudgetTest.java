package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WalBudgetTest {

  private static final long MIB = 1L << 20;

  private final AtomicLong free = new AtomicLong(10_000 * MIB);
  private final AtomicLong now = new AtomicLong();
  private final WalBudget budget = new WalBudget(64 * MIB, free::get, now::get);

  @Test
  void plentyOfSpaceRewindsInPlaceAtTheConfiguredLimit() {
    assertThat(budget.check(64 * MIB)).isEqualTo(WalBudget.Action.NONE);
    assertThat(budget.check(65 * MIB)).isEqualTo(WalBudget.Action.REWIND);
  }

  @Test
  void lowSpaceTruncatesPastAQuarterOfWhatTheWalAndTheFreeSpaceHold() {
    free.set(20 * MIB);
    assertThat(budget.check(12 * MIB)).isEqualTo(WalBudget.Action.TRUNCATE);
    assertThat(budget.limit(12 * MIB)).isEqualTo(8 * MIB);
    assertThat(budget.check(6 * MIB)).isEqualTo(WalBudget.Action.NONE); // (20 + 6) / 4 = 6.5
  }

  @Test
  void aFullDiskStillLeavesTheWalItsFloor() {
    free.set(0);
    assertThat(budget.check(WalBudget.FLOOR_BYTES)).isEqualTo(WalBudget.Action.NONE);
    assertThat(budget.check(WalBudget.FLOOR_BYTES + 1)).isEqualTo(WalBudget.Action.TRUNCATE);
  }

  @Test
  void freeSpaceIsSampledAtMostEveryHundredMilliseconds() {
    assertThat(budget.check(12 * MIB)).isEqualTo(WalBudget.Action.NONE);
    free.set(0);
    now.addAndGet(WalBudget.SAMPLE_NANOS - 1);
    assertThat(budget.check(12 * MIB)).isEqualTo(WalBudget.Action.NONE);
    now.addAndGet(1);
    assertThat(budget.check(12 * MIB)).isEqualTo(WalBudget.Action.TRUNCATE);
  }

  @Test
  void aFailedTruncationWaitsASecondBeforeTheNextTry() {
    free.set(0);
    assertThat(budget.check(12 * MIB)).isEqualTo(WalBudget.Action.TRUNCATE);
    budget.truncationFailed();
    now.addAndGet(WalBudget.RETRY_NANOS - 1);
    assertThat(budget.check(12 * MIB)).isEqualTo(WalBudget.Action.NONE);
    now.addAndGet(1);
    assertThat(budget.check(12 * MIB)).isEqualTo(WalBudget.Action.TRUNCATE);
    budget.truncated();
    assertThat(budget.check(12 * MIB)).isEqualTo(WalBudget.Action.TRUNCATE);
  }

  @Test
  void aFailedTruncationIsTriedAgainAsSoonAsSpaceIsFreed() {
    free.set(0);
    assertThat(budget.check(12 * MIB)).isEqualTo(WalBudget.Action.TRUNCATE);
    budget.truncationFailed();
    free.set(8 * MIB);
    now.addAndGet(WalBudget.SAMPLE_NANOS);
    assertThat(budget.check(12 * MIB)).isEqualTo(WalBudget.Action.TRUNCATE);
  }

  @Test
  void unknownFreeSpaceKeepsTheConfiguredLimit() {
    free.set(Long.MAX_VALUE);
    assertThat(budget.check(65 * MIB)).isEqualTo(WalBudget.Action.REWIND);
    assertThat(budget.limit(65 * MIB)).isEqualTo(64 * MIB);
  }
}
