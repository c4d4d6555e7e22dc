package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JobRingTest {

  @Test
  void aRingEmptiedAndRefilledKeepsNoStaleCacheEntry() {
    JobRing ring = new JobRing();
    ring.addLast(1, "payload-1");
    assertThat(ring.pollFirst()).isEqualTo("payload-1");
    assertThat(ring.isEmpty()).isTrue();

    ring.addLast(2, null);
    assertThat(ring.firstId()).isEqualTo(2);
    assertThat(ring.cached(0)).isNull();
    assertThat(ring.pollFirst()).isNull();
    assertThatThrownBy(ring::pollFirst).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void behavesAsAFifoAcrossBlockBoundariesAndEmptyings() {
    // Seeded walk of adds and polls that crosses block edges and empties the ring many times,
    // checked against ArrayDeque.
    Random random = new Random(42);
    JobRing ring = new JobRing();
    ArrayDeque<long[]> model = new ArrayDeque<>(); // {id, cached? 1 : 0}
    long next = 0;
    for (int step = 0; step < 200_000; step++) {
      boolean add = model.isEmpty() || random.nextInt(100) < (step / 20_000 % 2 == 0 ? 60 : 40);
      if (add) {
        boolean cache = random.nextBoolean();
        ring.addLast(next, cache ? "p" + next : null);
        model.addLast(new long[] {next, cache ? 1 : 0});
        next++;
      } else {
        long[] expected = model.pollFirst();
        assertThat(ring.firstId()).isEqualTo(expected[0]);
        assertThat(ring.pollFirst()).isEqualTo(expected[1] == 1 ? "p" + expected[0] : null);
      }
      assertThat(ring.size()).isEqualTo(model.size());
    }
    long index = 0;
    for (long[] e : model) {
      assertThat(ring.id(index)).isEqualTo(e[0]);
      assertThat(ring.cached(index)).isEqualTo(e[1] == 1 ? "p" + e[0] : null);
      index++;
    }
  }

  @Test
  void addFirstIndexOfAndInsertSortedKeepTheIdsAscendingAcrossBlocks() {
    // Seeded walk: ids added at the front (ever smaller) and back, some removed and put back by
    // value, checked against a sorted deque; crosses block edges at both ends.
    Random random = new Random(7);
    JobRing ring = new JobRing();
    java.util.TreeMap<Long, String> model = new java.util.TreeMap<>();
    long low = 0;
    long high = 1;
    for (int step = 0; step < 20_000; step++) {
      int op = random.nextInt(5);
      if (op == 0) {
        ring.addFirst(--low, "c" + low);
        model.put(low, "c" + low);
      } else if (op == 1 || model.isEmpty()) {
        ring.addLast(high, null);
        model.put(high, null);
        high++;
      } else if (op == 2) {
        long id = model.firstKey() + random.nextInt(40);
        long at = ring.indexOf(id);
        assertThat(at >= 0).as("id %d present", id).isEqualTo(model.containsKey(id));
        if (at >= 0) {
          assertThat(ring.removeAt(at)).isEqualTo(model.remove(id));
          if (random.nextBoolean()) {
            ring.insertSorted(id, "back" + id);
            model.put(id, "back" + id);
          }
        }
      } else {
        assertThat(ring.firstId()).isEqualTo(model.firstKey());
        assertThat(ring.pollFirst()).isEqualTo(model.pollFirstEntry().getValue());
      }
      assertThat(ring.size()).isEqualTo(model.size());
    }
    long i = 0;
    for (var e : model.entrySet()) {
      assertThat(ring.id(i)).isEqualTo(e.getKey());
      assertThat(ring.cached(i++)).isEqualTo(e.getValue());
    }
    assertThat(ring.indexOf(high + 5)).isEqualTo(-1);
  }
}
