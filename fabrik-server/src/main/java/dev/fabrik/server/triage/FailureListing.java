package dev.fabrik.server.triage;

import dev.fabrik.server.storage.SetName;
import java.util.List;
import java.util.Locale;

/**
 * The groups of one set as the Failures page and {@code /api/failures} show them.
 *
 * @param set retries or dead
 * @param order how the groups are sorted
 * @param groups at most {@link FailureGroupStore#MAX_GROUPS}
 * @param grouped entries of the set in some group (those stored before fingerprints were computed
 *     are in none)
 */
public record FailureListing(
    SetName set, FailureGroup.Order order, List<FailureGroup> groups, long grouped) {

  /** Reads a listing. */
  public static FailureListing of(
      FailureGroupStore store, SetName set, FailureGroup.Order order, int limit) {
    return new FailureListing(set, order, store.groups(set, order, limit), store.grouped(set));
  }

  /**
   * The {@code set} parameter: {@code dead} (the default), {@code retries} or {@code retry}.
   *
   * @throws IllegalArgumentException for anything else (the scheduled set has no failures)
   */
  public static SetName setNamed(String name) {
    String n = name == null || name.isEmpty() ? "dead" : name.toLowerCase(Locale.ROOT);
    return switch (n) {
      case "dead" -> SetName.DEAD;
      case "retries", "retry" -> SetName.RETRIES;
      default -> throw new IllegalArgumentException("set must be dead or retries");
    };
  }
}
