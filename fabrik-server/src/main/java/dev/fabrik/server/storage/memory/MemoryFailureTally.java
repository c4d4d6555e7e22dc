package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.PayloadFailure;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.triage.FailureGroup;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The failure groups of one {@link MemorySet}, told of every entry that enters or leaves it (what
 * the SQL stores' triggers do). Not thread-safe: the store's lock guards it with the set.
 */
final class MemoryFailureTally {

  private static final class Group {
    long count;
    Instant firstSeen;
    Instant lastSeen;
    String errtype;
    String message;
    SetEntry.Key sample;
    final Map<String, Long> jobtypes = new HashMap<>();
  }

  private final Clock clock;
  private final Map<String, Group> groups = new HashMap<>();
  private long grouped;

  MemoryFailureTally(Clock clock) {
    this.clock = clock;
  }

  void added(SetEntry e) {
    PayloadFailure f = PayloadFailure.of(e.payload());
    if (f == null) {
      return;
    }
    Instant now = clock.instant();
    Group g = groups.computeIfAbsent(f.fingerprint(), k -> new Group());
    if (g.count == 0) {
      g.firstSeen = now;
    }
    g.count++;
    g.lastSeen = now;
    g.errtype = f.errtype();
    g.message = f.message();
    g.sample = e.key();
    g.jobtypes.merge(f.jobtype() == null ? "" : f.jobtype(), 1L, Long::sum);
    grouped++;
  }

  void removed(SetEntry e) {
    PayloadFailure f = PayloadFailure.of(e.payload());
    if (f == null) {
      return;
    }
    Group g = groups.get(f.fingerprint());
    if (g == null) {
      return;
    }
    grouped--;
    if (--g.count == 0) {
      groups.remove(f.fingerprint());
      return;
    }
    g.jobtypes.computeIfPresent(
        f.jobtype() == null ? "" : f.jobtype(), (k, n) -> n == 1 ? null : n - 1);
  }

  void cleared() {
    groups.clear();
    grouped = 0;
  }

  long grouped() {
    return grouped;
  }

  List<FailureGroup> groups(FailureGroup.Order order, int limit) {
    Comparator<FailureGroup> by =
        order == FailureGroup.Order.COUNT
            ? Comparator.comparingLong(FailureGroup::count).reversed()
            : Comparator.comparing(FailureGroup::lastSeen).reversed();
    return groups.entrySet().stream()
        .map(e -> view(e.getKey(), e.getValue()))
        .sorted(by.thenComparing(FailureGroup::fingerprint))
        .limit(limit)
        .toList();
  }

  FailureGroup group(String fingerprint) {
    Group g = groups.get(fingerprint);
    return g == null ? null : view(fingerprint, g);
  }

  private static FailureGroup view(String fingerprint, Group g) {
    return new FailureGroup(
        fingerprint, g.count, g.firstSeen, g.lastSeen, g.errtype, g.message, g.sample, g.jobtypes);
  }
}
