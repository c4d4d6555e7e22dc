package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** How the writer's queue cuts batches: small writes first, bounded, and nothing starves. */
class WriteQueueTest {

  private final WriteQueue queue = new WriteQueue(new WriteQueue.Limits(100, 10_000, 2));

  private void add(String name, int rows, long bytes) {
    WriteQueue.Pending<String> p =
        new WriteQueue.Pending<>(tx -> name, new CompletableFuture<>(), rows, bytes);
    queue.add(p);
  }

  /** The names of the next batch's writes (each op returns its name, without a transaction). */
  private List<String> nextBatch() throws Exception {
    List<WriteQueue.Pending<?>> batch = new ArrayList<>();
    assertThat(queue.takeBatch(batch)).isTrue();
    List<String> out = new ArrayList<>();
    for (WriteQueue.Pending<?> p : batch) {
      out.add((String) p.op().apply(null));
    }
    return out;
  }

  @Test
  void smallWritesGoFirstAndBulkOnesFillTheRestOfTheRows() throws Exception {
    for (int i = 0; i < 5; i++) {
      add("bulk" + i, 40, 0);
    }
    add("ack", 1, 0);
    add("fail", 2, 500);

    assertThat(nextBatch()).containsExactly("ack", "fail", "bulk0", "bulk1");
    assertThat(nextBatch()).containsExactly("bulk2", "bulk3");
    assertThat(nextBatch()).containsExactly("bulk4");
  }

  @Test
  void payloadBytesBoundABatchToo() throws Exception {
    add("big0", 10, 6_000);
    add("big1", 10, 6_000);
    add("push", 1, 3_000);

    assertThat(nextBatch()).containsExactly("push", "big0");
    assertThat(nextBatch()).containsExactly("big1");
  }

  @Test
  void aWriteLargerThanTheLimitsGoesAloneWithTheSmallOnes() throws Exception {
    add("huge", 5_000, 0);
    add("after", 50, 0);
    add("ack", 1, 0);

    assertThat(nextBatch()).containsExactly("ack", "huge");
    assertThat(nextBatch()).containsExactly("after");
  }

  @Test
  void aFloodOfSmallWritesStillLetsOneBulkWriteIntoEachBatch() throws Exception {
    for (int i = 0; i < 250; i++) {
      add("ack" + i, 1, 0);
    }
    add("bulk", 40, 0);

    List<String> first = nextBatch();
    assertThat(first).hasSize(101).startsWith("ack0").endsWith("ack99", "bulk");
    assertThat(nextBatch()).hasSize(100).startsWith("ack100").endsWith("ack199");
  }

  @Test
  void afterCloseQueuedWritesAreStillHandedOutAndNewOnesRefused() throws Exception {
    add("a", 1, 0);
    queue.close();
    assertThatThrownBy(() -> add("b", 1, 0)).isInstanceOf(StorageException.class);
    assertThat(nextBatch()).containsExactly("a");
    assertThat(queue.takeBatch(new ArrayList<>())).isFalse();
  }
}
