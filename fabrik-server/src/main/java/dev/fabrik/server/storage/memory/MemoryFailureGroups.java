package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.triage.FailureGroup;
import dev.fabrik.server.triage.FailureGroupStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link FailureGroupStore} over the tallies the memory store's sets keep. */
final class MemoryFailureGroups implements FailureGroupStore {

  private final Object lock;
  private final Map<SetName, MemoryFailureTally> tallies;

  MemoryFailureGroups(Object lock, Map<SetName, MemoryFailureTally> tallies) {
    this.lock = lock;
    this.tallies = tallies;
  }

  @Override
  public List<FailureGroup> groups(SetName set, FailureGroup.Order order, int limit) {
    synchronized (lock) {
      return tallies.get(set).groups(order, limit);
    }
  }

  @Override
  public Optional<FailureGroup> group(SetName set, String fingerprint) {
    synchronized (lock) {
      return Optional.ofNullable(tallies.get(set).group(fingerprint));
    }
  }

  @Override
  public long grouped(SetName set) {
    synchronized (lock) {
      return tallies.get(set).grouped();
    }
  }
}
