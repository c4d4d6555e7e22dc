package dev.fabrik.client.worker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Which queues a worker fetches from, and in what order. FETCH takes queues in priority order
 * ({@code FETCH critical default bulk}): the first non-empty one wins.
 *
 * <ul>
 *   <li>{@link #strict}: always the same order, so a busy early queue starves later ones.
 *   <li>{@link #weighted}: a fresh order per fetch, each next queue drawn with probability
 *       proportional to its weight among those not drawn yet; {@code {critical:3, default:1}} puts
 *       critical first three times in four, and default still gets served.
 * </ul>
 */
public final class Queues {
  private final List<String> names;
  private final int[] weights; // null for strict

  private Queues(List<String> names, int[] weights) {
    this.names = List.copyOf(names);
    this.weights = weights;
  }

  /** Strict priority: {@code strict("critical", "default")}. */
  public static Queues strict(String... names) {
    if (names.length == 0) {
      throw new IllegalArgumentException("at least one queue is required");
    }
    return new Queues(List.of(names), null);
  }

  /** Weighted random order per fetch; weights must be positive. Iteration order breaks no ties. */
  public static Queues weighted(Map<String, Integer> weightsByQueue) {
    if (weightsByQueue.isEmpty()) {
      throw new IllegalArgumentException("at least one queue is required");
    }
    Map<String, Integer> copy = new LinkedHashMap<>(weightsByQueue);
    int[] weights = new int[copy.size()];
    int i = 0;
    for (Map.Entry<String, Integer> e : copy.entrySet()) {
      if (e.getValue() == null || e.getValue() <= 0) {
        throw new IllegalArgumentException("weight of " + e.getKey() + " must be positive");
      }
      weights[i++] = e.getValue();
    }
    return new Queues(new ArrayList<>(copy.keySet()), weights);
  }

  /** The queue names as configured. */
  public List<String> names() {
    return names;
  }

  /** The order for the next FETCH. */
  List<String> nextOrder(RandomGenerator random) {
    if (weights == null) {
      return names;
    }
    List<String> remaining = new ArrayList<>(names);
    List<Integer> remainingWeights = new ArrayList<>();
    int total = 0;
    for (int w : weights) {
      remainingWeights.add(w);
      total += w;
    }
    List<String> order = new ArrayList<>(names.size());
    while (!remaining.isEmpty()) {
      int pick = random.nextInt(total);
      int i = 0;
      while (pick >= remainingWeights.get(i)) {
        pick -= remainingWeights.get(i);
        i++;
      }
      order.add(remaining.remove(i));
      total -= remainingWeights.remove(i);
    }
    return order;
  }
}
