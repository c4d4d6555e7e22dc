package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

  @Test
  void inputIsRefusedPastTheLimitAndRepliesAreNot() {
    MemoryBudget budget = new MemoryBudget(100);
    assertThat(budget.tryReserve(60)).isTrue();
    assertThat(budget.tryReserve(41)).isFalse();
    assertThat(budget.used()).isEqualTo(60);
    assertThat(budget.tryReserve(40)).isTrue();
    assertThat(budget.spent()).isTrue();
    budget.reserve(30); // a reply already made waits for the socket regardless
    assertThat(budget.used()).isEqualTo(130);
    budget.release(130);
    assertThat(budget.used()).isZero();
    assertThat(budget.spent()).isFalse();
  }

  @Test
  void defaultIsAQuarterOfTheHeap() {
    assertThat(MemoryBudget.of(0).limit()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
    assertThat(MemoryBudget.of(12345).limit()).isEqualTo(12345);
  }
}
