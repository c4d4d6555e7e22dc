package dev.fabrik.server.storage.sqlite;

import java.util.ArrayList;
import java.util.List;

/**
 * One queue's FIFO of row ids, each with an optional cached payload. Stored in fixed blocks of
 * {@value #BLOCK} slots, so ten million queued jobs cost 80 MB of ids and nothing more: a block's
 * cache slots exist only once something in it was cached, and growing never copies (a doubling
 * array would briefly hold 1.5x its size and round up to a power of two). Not thread-safe.
 */
final class JobRing {

  static final int BLOCK = 4096;

  private static final class Block {
    final long[] ids = new long[BLOCK];
    Object[] cached; // null until a slot of this block holds something
  }

  private final List<Block> blocks = new ArrayList<>();
  private int head; // index of the first live slot in blocks[0]
  private int tail = BLOCK; // index of the next free slot in the last block
  private long size;

  /** Appends {@code id}; {@code cached} may be null. */
  void addLast(long id, Object cached) {
    if (tail == BLOCK) {
      blocks.add(new Block());
      tail = 0;
    }
    Block b = blocks.getLast();
    b.ids[tail] = id;
    if (cached != null) {
      if (b.cached == null) {
        b.cached = new Object[BLOCK];
      }
      b.cached[tail] = cached;
    }
    tail++;
    size++;
  }

  /**
   * Puts {@code id} before the head; the caller guarantees it is smaller than every id here (an
   * operator's "to front" gives the job a row id below all others), so the ring stays ascending.
   */
  void addFirst(long id, Object cached) {
    if (size == 0) {
      addLast(id, cached);
      return;
    }
    if (head == 0) {
      blocks.addFirst(new Block()); // copies at most size / BLOCK references
      head = BLOCK;
    }
    head--;
    Block b = blocks.getFirst();
    b.ids[head] = id;
    if (cached != null) {
      if (b.cached == null) {
        b.cached = new Object[BLOCK];
      }
      b.cached[head] = cached;
    }
    size++;
  }

  /**
   * The place of {@code id} counted from the head, or -1 when absent. A binary search: ids grow
   * from head to tail (the writer assigns them in commit order, and removals keep the order).
   */
  long indexOf(long id) {
    long lo = 0;
    long hi = size - 1;
    while (lo <= hi) {
      long mid = (lo + hi) >>> 1;
      long at = id(mid);
      if (at < id) {
        lo = mid + 1;
      } else if (at > id) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /**
   * Puts {@code id} back where its value belongs (an edit whose write failed returns the job to its
   * place): O(its distance from the head), like {@link #removeAt}.
   */
  void insertSorted(long id, Object cached) {
    long at = 0;
    while (at < size && id(at) < id) {
      at++;
    }
    addFirst(Long.MIN_VALUE, null);
    for (long i = 0; i < at; i++) {
      setSlot(i, id(i + 1), cached(i + 1));
    }
    setSlot(at, id, cached);
  }

  private void setSlot(long index, long id, Object cached) {
    long at = check(index) + head;
    Block b = blocks.get((int) (at / BLOCK));
    b.ids[(int) (at % BLOCK)] = id;
    if (cached != null || b.cached != null) {
      if (b.cached == null) {
        b.cached = new Object[BLOCK];
      }
      b.cached[(int) (at % BLOCK)] = cached;
    }
  }

  long firstId() {
    return blocks.getFirst().ids[head];
  }

  /** Removes the head; returns what was cached for it (or null). Call only when not empty. */
  Object pollFirst() {
    if (size == 0) {
      throw new IllegalStateException("empty");
    }
    Block b = blocks.getFirst();
    Object cached = null;
    if (b.cached != null) {
      cached = b.cached[head];
      b.cached[head] = null;
    }
    head++;
    size--;
    if (size == 0) {
      // Keep one block for the next job: a queue that is drained as fast as it fills (the common
      // case) would otherwise allocate a fresh 32 KB block, and its cache array, per job. Every
      // cache slot of the kept block is null: each was cleared when its job was polled.
      Block keep = blocks.getLast();
      blocks.clear();
      blocks.add(keep);
      head = 0;
      tail = 0;
    } else if (head == BLOCK) {
      blocks.removeFirst(); // moves a few thousand references at most every BLOCK polls
      head = 0;
    }
    return cached;
  }

  /**
   * Removes the job {@code index} places from the head, keeping the order of the others (the jobs
   * before it move one place back: O(index), and a limited FETCH looks no further than {@link
   * dev.fabrik.server.storage.PassOver#SCAN_LIMIT}); returns what was cached for it.
   */
  Object removeAt(long index) {
    Object removed = cached(index);
    for (long i = index; i > 0; i--) {
      long at = i + head;
      long before = at - 1;
      Block to = blocks.get((int) (at / BLOCK));
      Block from = blocks.get((int) (before / BLOCK));
      to.ids[(int) (at % BLOCK)] = from.ids[(int) (before % BLOCK)];
      Object c = from.cached == null ? null : from.cached[(int) (before % BLOCK)];
      if (c != null || to.cached != null) {
        if (to.cached == null) {
          to.cached = new Object[BLOCK];
        }
        to.cached[(int) (at % BLOCK)] = c;
      }
    }
    Block first = blocks.getFirst();
    if (first.cached != null) {
      first.cached[head] = null;
    }
    pollFirst();
    return removed;
  }

  /** The id {@code index} places from the head. */
  long id(long index) {
    long at = check(index) + head;
    return blocks.get((int) (at / BLOCK)).ids[(int) (at % BLOCK)];
  }

  /** What is cached for the job {@code index} places from the head, or null. */
  Object cached(long index) {
    long at = check(index) + head;
    Object[] c = blocks.get((int) (at / BLOCK)).cached;
    return c == null ? null : c[(int) (at % BLOCK)];
  }

  /** Caches {@code value} for the job {@code index} places from the head. */
  void setCached(long index, Object value) {
    long at = check(index) + head;
    Block b = blocks.get((int) (at / BLOCK));
    if (b.cached == null) {
      b.cached = new Object[BLOCK];
    }
    b.cached[(int) (at % BLOCK)] = value;
  }

  private long check(long index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index + " of " + size);
    }
    return index;
  }

  long size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }
}
