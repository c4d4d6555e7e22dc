package dev.fabrik.client.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QueuesTest {
  @Test
  void strictOrderNeverChanges() {
    Queues q = Queues.strict("critical", "default");
    SplittableRandom random = new SplittableRandom(1);

    for (int i = 0; i < 10; i++) {
      assertThat(q.nextOrder(random)).containsExactly("critical", "default");
    }
  }

  @Test
  void weightedOrderFollowsWeights() {
    Map<String, Integer> weights = new LinkedHashMap<>();
    weights.put("critical", 3);
    weights.put("default", 1);
    Queues q = Queues.weighted(weights);
    SplittableRandom random = new SplittableRandom(42);
    int criticalFirst = 0;

    for (int i = 0; i < 4000; i++) {
      List<String> order = q.nextOrder(random);
      assertThat(order).containsExactlyInAnyOrder("critical", "default");
      if (order.get(0).equals("critical")) {
        criticalFirst++;
      }
    }

    // expected 3000 of 4000; the seed is fixed, the band is wide
    assertThat(criticalFirst).isBetween(2800, 3200);
  }

  @Test
  void rejectsEmptyAndNonPositive() {
    assertThatThrownBy(Queues::strict).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Queues.weighted(Map.of("a", 0)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
