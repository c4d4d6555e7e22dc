package dev.fabrik.server.storage.memory;

import dev.fabrik.server.priority.Priority;
import dev.fabrik.server.storage.QueuedJob;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One queue of the memory store: a FIFO per priority level, created when first used. The head is
 * the oldest job of the highest non-empty level, found by looking at no more than nine levels: O(1)
 * at any backlog. Not thread-safe (the store holds its lock).
 */
final class MemoryQueue {

  @SuppressWarnings("unchecked")
  private final ArrayDeque<QueuedJob>[] levels = new ArrayDeque[Priority.LEVELS];

  private int size;

  void addLast(QueuedJob job) {
    int i = job.priority() - Priority.MIN;
    if (levels[i] == null) {
      levels[i] = new ArrayDeque<>();
    }
    levels[i].addLast(job);
    size++;
  }

  /** Puts {@code job} before every other job of its priority level (an operator's "to front"). */
  void addFirst(QueuedJob job) {
    int i = job.priority() - Priority.MIN;
    if (levels[i] == null) {
      levels[i] = new ArrayDeque<>();
    }
    levels[i].addFirst(job);
    size++;
  }

  /** Removes and returns the first job in fetch order whose jid is {@code jid}, or null. */
  QueuedJob removeJid(String jid) {
    for (int i = levels.length - 1; i >= 0; i--) {
      if (levels[i] == null) {
        continue;
      }
      Iterator<QueuedJob> it = levels[i].iterator();
      while (it.hasNext()) {
        QueuedJob job = it.next();
        if (job.jid().equals(jid)) {
          it.remove();
          size--;
          return job;
        }
      }
    }
    return null;
  }

  /** Every job whose jid is {@code jid}, in fetch order. */
  List<QueuedJob> withJid(String jid) {
    List<QueuedJob> out = new ArrayList<>();
    for (int i = levels.length - 1; i >= 0; i--) {
      if (levels[i] != null) {
        for (QueuedJob job : levels[i]) {
          if (job.jid().equals(jid)) {
            out.add(job);
          }
        }
      }
    }
    return out;
  }

  /** Removes and returns the head, or null when empty. */
  QueuedJob pollFirst() {
    ArrayDeque<QueuedJob> level = top();
    if (level == null) {
      return null;
    }
    size--;
    return level.pollFirst();
  }

  /**
   * Removes and returns the first job in fetch order that {@code skip} does not refuse, looking at
   * no more than {@code budget} jobs; null when none. The jobs passed over keep their places.
   */
  QueuedJob pollFirstPassing(java.util.function.Predicate<byte[]> skip, int budget) {
    int seen = 0;
    for (int i = levels.length - 1; i >= 0 && seen < budget; i--) {
      ArrayDeque<QueuedJob> level = levels[i];
      if (level == null) {
        continue;
      }
      Iterator<QueuedJob> it = level.iterator();
      while (it.hasNext() && seen++ < budget) {
        QueuedJob job = it.next();
        if (!skip.test(job.payload())) {
          it.remove();
          size--;
          return job;
        }
      }
    }
    return null;
  }

  QueuedJob peekFirst() {
    ArrayDeque<QueuedJob> level = top();
    return level == null ? null : level.peekFirst();
  }

  /** Up to {@code limit} jobs in fetch order, skipping the first {@code offset}. */
  List<QueuedJob> slice(long offset, int limit) {
    List<QueuedJob> out = new ArrayList<>();
    long skip = Math.max(0, offset);
    for (int i = levels.length - 1; i >= 0 && out.size() < limit; i--) {
      ArrayDeque<QueuedJob> level = levels[i];
      if (level == null || level.isEmpty()) {
        continue;
      }
      if (skip >= level.size()) {
        skip -= level.size();
        continue;
      }
      Iterator<QueuedJob> it = level.iterator();
      for (; skip > 0; skip--) {
        it.next();
      }
      while (out.size() < limit && it.hasNext()) {
        out.add(it.next());
      }
    }
    return out;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  private ArrayDeque<QueuedJob> top() {
    if (size == 0) {
      return null;
    }
    for (int i = levels.length - 1; i >= 0; i--) {
      if (levels[i] != null && !levels[i].isEmpty()) {
        return levels[i];
      }
    }
    return null;
  }
}
