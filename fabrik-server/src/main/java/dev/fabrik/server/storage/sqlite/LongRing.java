package dev.fabrik.server.storage.sqlite;

import java.util.Arrays;

/**
 * A growable FIFO of primitive longs: a queue's row ids at 8 bytes per job, so ten million queued
 * jobs cost 80 MB of index instead of an object each. Not thread-safe.
 */
final class LongRing {

  private static final int MIN_CAPACITY = 16;

  private long[] items = new long[MIN_CAPACITY];
  private int head;
  private int size;

  void addLast(long value) {
    if (size == items.length) {
      resize(items.length * 2);
    }
    items[(head + size) & (items.length - 1)] = value;
    size++;
  }

  /** Removes and returns the head; the caller checks {@link #isEmpty()} first. */
  long pollFirst() {
    if (size == 0) {
      throw new IllegalStateException("empty");
    }
    long value = items[head];
    head = (head + 1) & (items.length - 1);
    size--;
    if (size == 0) {
      head = 0;
    }
    if (items.length > MIN_CAPACITY && size < items.length / 4) {
      resize(items.length / 2);
    }
    return value;
  }

  /** The value {@code index} places from the head. */
  long get(long index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index + " of " + size);
    }
    return items[(int) ((head + index) & (items.length - 1))];
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  private void resize(int capacity) {
    long[] next = new long[capacity];
    for (int i = 0; i < size; i++) {
      next[i] = items[(head + i) & (items.length - 1)];
    }
    items = next;
    head = 0;
  }

  @Override
  public String toString() {
    long[] copy = new long[size];
    for (int i = 0; i < size; i++) {
      copy[i] = get(i);
    }
    return Arrays.toString(copy);
  }
}
