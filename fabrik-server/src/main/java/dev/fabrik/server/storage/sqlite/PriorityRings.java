package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.priority.Priority;

/**
 * One queue of the {@link QueueIndex}: a {@link JobRing} per priority level, each created when
 * first used, read as one sequence in fetch order (level 9's jobs oldest first, then level 8's...).
 * The head is found by looking at no more than nine rings, so FETCH costs the same at any backlog;
 * an index into the sequence is resolved the same way. Row ids grow within a level, not across
 * levels. Not thread-safe.
 */
final class PriorityRings {

  private final JobRing[] levels = new JobRing[Priority.LEVELS];
  private long size;

  /** Appends {@code id} to its level; {@code cached} may be null. */
  void addLast(int priority, long id, Object cached) {
    int i = priority - Priority.MIN;
    if (levels[i] == null) {
      levels[i] = new JobRing();
    }
    levels[i].addLast(id, cached);
    size++;
  }

  /** Puts {@code id} before every job of its level (its id is below all of theirs). */
  void addFirst(int priority, long id, Object cached) {
    int i = priority - Priority.MIN;
    if (levels[i] == null) {
      levels[i] = new JobRing();
    }
    levels[i].addFirst(id, cached);
    size++;
  }

  /** Puts {@code id} back into its level at the place its value gives it. */
  void insertSorted(int priority, long id, Object cached) {
    int i = priority - Priority.MIN;
    if (levels[i] == null) {
      levels[i] = new JobRing();
    }
    levels[i].insertSorted(id, cached);
    size++;
  }

  /**
   * Removes the job with row id {@code id} from level {@code priority}; returns {@code found} with
   * what was cached for it, or null when that level does not hold it (reserved, or gone).
   */
  Object[] removeId(int priority, long id) {
    JobRing ring = levels[priority - Priority.MIN];
    long at = ring == null ? -1 : ring.indexOf(id);
    if (at < 0) {
      return null;
    }
    Object cached = ring.removeAt(at);
    size--;
    return new Object[] {cached};
  }

  /** True when level {@code priority} holds {@code id}. */
  boolean contains(int priority, long id) {
    JobRing ring = levels[priority - Priority.MIN];
    return ring != null && ring.indexOf(id) >= 0;
  }

  /** The id of the head. Call only when not empty. */
  long firstId() {
    return top().firstId();
  }

  /** Removes the head; returns what was cached for it (or null). Call only when not empty. */
  Object pollFirst() {
    Object cached = top().pollFirst();
    size--;
    return cached;
  }

  /** Removes the job {@code index} places from the head; returns what was cached for it. */
  Object removeAt(long index) {
    long[] at = {index};
    Object cached = ring(at).removeAt(at[0]);
    size--;
    return cached;
  }

  /** The id {@code index} places from the head, in fetch order. */
  long id(long index) {
    long[] at = {index};
    return ring(at).id(at[0]);
  }

  /** What is cached for the job {@code index} places from the head, or null. */
  Object cached(long index) {
    long[] at = {index};
    return ring(at).cached(at[0]);
  }

  /** Caches {@code value} for the job {@code index} places from the head. */
  void setCached(long index, Object value) {
    long[] at = {index};
    ring(at).setCached(at[0], value);
  }

  long size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  private JobRing top() {
    for (int i = levels.length - 1; i >= 0; i--) {
      if (levels[i] != null && !levels[i].isEmpty()) {
        return levels[i];
      }
    }
    throw new IllegalStateException("empty");
  }

  /**
   * The ring holding the job {@code at[0]} places from the head; sets {@code at[0]} to its place
   * there.
   */
  private JobRing ring(long[] at) {
    if (at[0] < 0 || at[0] >= size) {
      throw new IndexOutOfBoundsException(at[0] + " of " + size);
    }
    for (int i = levels.length - 1; i >= 0; i--) {
      JobRing r = levels[i];
      if (r == null) {
        continue;
      }
      if (at[0] < r.size()) {
        return r;
      }
      at[0] -= r.size();
    }
    throw new IllegalStateException("size out of step with the levels");
  }
}
