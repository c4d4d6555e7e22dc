package dev.fabrik.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Priorities as every {@link Store} keeps them: within one queue the highest level is fetched first
 * and each level is FIFO; browsing lists in fetch order; the order survives a restart; a job that
 * goes through a set (retry, scheduled, requeue) comes back at the priority its payload carries;
 * the queues named by a fetch keep their strict order whatever the priorities.
 */
public abstract class PriorityContract {

  protected static final Instant T0 = Instant.parse("2030-01-01T00:00:00.123456Z");

  protected Store store;

  /** A new, empty store. */
  protected abstract Store open() throws Exception;

  /**
   * Closes {@link #store} and opens the same data again, as a restart does; empty for a store that
   * keeps nothing across a restart.
   */
  protected abstract Optional<Store> reopen() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  /** A job whose payload carries its priority, as the manager stores it. */
  protected static QueuedJob job(String jid, String queue, int priority) {
    byte[] payload =
        ("{\"jid\":\"" + jid + "\",\"queue\":\"" + queue + "\",\"priority\":" + priority + "}")
            .getBytes(StandardCharsets.UTF_8);
    return new QueuedJob(jid, queue, payload, priority);
  }

  private List<String> drain(String... queues) {
    List<String> out = new ArrayList<>();
    Optional<Reservation> r;
    while ((r = store.reserve(List.of(queues), "w1", T0, p -> T0.plusSeconds(60))).isPresent()) {
      out.add(r.get().jid());
      store.acknowledge(r.get().jid());
    }
    return out;
  }

  private List<String> browsed(String queue) {
    return store.browse(queue, 0, 1000).stream().map(QueuedJob::jid).toList();
  }

  @Test
  void higherPriorityIsFetchedFirstAndEachLevelIsFifo() {
    store.enqueue(
        List.of(
            job("low-1", "q", 1),
            job("mid-1", "q", 5),
            job("high-1", "q", 9),
            job("mid-2", "q", 5),
            job("low-2", "q", 1),
            job("high-2", "q", 9)));
    store.enqueue(List.of(job("mid-3", "q", 5), job("top-7", "q", 7)));

    assertThat(store.queueSize("q")).isEqualTo(8);
    assertThat(text(store.peek("q").orElseThrow())).contains("high-1");
    assertThat(drain("q"))
        .containsExactly("high-1", "high-2", "top-7", "mid-1", "mid-2", "mid-3", "low-1", "low-2");
    assertThat(store.queueSize("q")).isZero();
  }

  @Test
  void jobsWithoutAPriorityAreFifoAtTheDefaultLevel() {
    byte[] plain = "{\"jid\":\"plain-1\"}".getBytes(StandardCharsets.UTF_8);
    store.enqueue(List.of(new QueuedJob("plain-1", "q", plain), job("low-1", "q", 4)));
    store.enqueue(List.of(job("five-1", "q", 5), job("six-1", "q", 6)));
    assertThat(drain("q")).containsExactly("six-1", "plain-1", "five-1", "low-1");
  }

  @Test
  void browseListsInFetchOrderWithPriorities() {
    store.enqueue(
        List.of(job("a-2", "q", 2), job("b-8", "q", 8), job("c-5", "q", 5), job("d-8", "q", 8)));
    assertThat(browsed("q")).containsExactly("b-8", "d-8", "c-5", "a-2");
    assertThat(store.browse("q", 0, 10).stream().map(QueuedJob::priority))
        .containsExactly(8, 8, 5, 2);
    // Pages cut across levels: offset 1 starts inside level 8, offset 3 in level 2.
    assertThat(store.browse("q", 1, 2).stream().map(QueuedJob::jid)).containsExactly("d-8", "c-5");
    assertThat(store.browse("q", 3, 5).stream().map(QueuedJob::jid)).containsExactly("a-2");
    assertThat(store.browse("q", 4, 5)).isEmpty();
  }

  @Test
  void priorityNeverReachesAcrossTheQueuesOfAFetch() {
    store.enqueue(List.of(job("later-9", "later", 9), job("first-1", "first", 1)));
    assertThat(drain("first", "later")).containsExactly("first-1", "later-9");
  }

  @Test
  void aRetryComesBackAtItsPriority() {
    store.enqueue(List.of(job("failing", "q", 8)));
    Reservation r = store.reserve(List.of("q"), "w1", T0, p -> T0.plusSeconds(60)).orElseThrow();
    store.fail(r.jid(), res -> new FailureDecision.Retry(T0, res.payload()));
    store.enqueue(List.of(job("waiting-5", "q", 5), job("waiting-9", "q", 9)));

    assertThat(store.enqueueDue(SetName.RETRIES, T0, 10, p -> p)).isEqualTo(1);
    assertThat(browsed("q")).containsExactly("waiting-9", "failing", "waiting-5");
    assertThat(store.browse("q", 1, 1).getFirst().priority()).isEqualTo(8);
  }

  @Test
  void scheduledJobsAndRequeuedDeadJobsKeepTheirPriority() {
    store.addToSet(SetName.SCHEDULED, T0, job("sched-2", "q", 2));
    store.addAllToSet(
        List.of(
            new SetEntry(SetName.SCHEDULED, T0, "sched-9", "q", job("sched-9", "q", 9).payload())));
    store.addToSet(SetName.DEAD, T0, job("dead-7", "q", 7));
    store.enqueue(List.of(job("here-5", "q", 5)));

    assertThat(store.enqueueDue(SetName.SCHEDULED, T0, 10, p -> p)).isEqualTo(2);
    assertThat(store.mutate(SetName.DEAD, e -> true, new Mutation.Requeue())).isEqualTo(1);
    assertThat(drain("q")).containsExactly("sched-9", "dead-7", "here-5", "sched-2");
  }

  @Test
  void aPushBatchKeepsEachJobsPriority() {
    store.push(
        List.of(job("p-3", "q", 3), job("p-6", "q", 6)),
        List.of(new SetEntry(SetName.SCHEDULED, T0, "s-9", "q", job("s-9", "q", 9).payload())));
    store.enqueueDue(SetName.SCHEDULED, T0, 10, p -> p);
    assertThat(drain("q")).containsExactly("s-9", "p-6", "p-3");
  }

  @Test
  void anAsyncEnqueueKeepsThePriority() {
    store.enqueueAsync(List.of(job("async-2", "q", 2))).join();
    store.enqueueAsync(List.of(job("async-9", "q", 9))).join();
    assertThat(drain("q")).containsExactly("async-9", "async-2");
  }

  /**
   * True when a restart ends every reservation (an embedded store keeps them in memory); false when
   * they are kept with the jobs and outlive the process (a database shared by several nodes: a
   * reservation ends by ACK, FAIL or its deadline, on whichever node).
   */
  protected boolean reservationsEndWithARestart() {
    return true;
  }

  @Test
  void theOrderSurvivesARestart() throws Exception {
    store.enqueue(List.of(job("r-1", "q", 1), job("r-9a", "q", 9), job("r-5", "q", 5)));
    store.enqueue(List.of(job("r-9b", "q", 9), job("other-3", "o", 3), job("r-1b", "q", 1)));
    // A reserved job that was never acknowledged comes back in its place after a restart.
    assertThat(store.reserve(List.of("q"), "w1", T0, p -> T0.plusSeconds(60)).orElseThrow().jid())
        .isEqualTo("r-9a");
    Optional<Store> reopened = reopen();
    assumeTrue(reopened.isPresent(), "the store keeps nothing across a restart");
    store = reopened.get();
    if (!reservationsEndWithARestart()) {
      // Still reserved after the restart (its worker may ACK it through any node).
      assertThat(store.reservations(10)).extracting(r -> r.jid()).containsExactly("r-9a");
      assertThat(store.queueSize("q")).isEqualTo(4);
      assertThat(drain("q")).containsExactly("r-9b", "r-5", "r-1", "r-1b");
      assertThat(drain("o")).containsExactly("other-3");
      return;
    }

    assertThat(store.queueSize("q")).isEqualTo(5);
    assertThat(browsed("q")).containsExactly("r-9a", "r-9b", "r-5", "r-1", "r-1b");
    assertThat(store.browse("q", 0, 10).stream().map(QueuedJob::priority))
        .containsExactly(9, 9, 5, 1, 1);
    assertThat(drain("q")).containsExactly("r-9a", "r-9b", "r-5", "r-1", "r-1b");
    assertThat(drain("o")).containsExactly("other-3");
  }

  /** Seeded random pushes and fetches against a trivial model: a sorted list per queue. */
  @Test
  void randomPushesAndFetchesFollowTheModel() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    List<List<QueuedJob>> model = new ArrayList<>(List.of(new ArrayList<>(), new ArrayList<>()));
    List<String> names = List.of("qa", "qb");
    Function<Integer, String> name = names::get;
    int next = 0;
    for (int step = 0; step < 400; step++) {
      if (random.nextInt(3) > 0) {
        int q = random.nextInt(2);
        List<QueuedJob> batch = new ArrayList<>();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
          batch.add(job("job-" + next++, name.apply(q), 1 + random.nextInt(9)));
        }
        store.enqueue(batch);
        model.get(q).addAll(batch);
      } else {
        Optional<Reservation> got = store.reserve(names, "w1", T0, p -> T0.plusSeconds(60));
        String expected = expectedHead(model);
        assertThat(got.map(Reservation::jid).orElse(null))
            .as("step %d, seed %d", step, seed)
            .isEqualTo(expected);
        got.ifPresent(r -> store.acknowledge(r.jid()));
      }
    }
    for (int q = 0; q < 2; q++) {
      List<String> order =
          model.get(q).stream()
              .sorted((a, b) -> Integer.compare(b.priority(), a.priority()))
              .map(QueuedJob::jid)
              .toList();
      assertThat(browsed(name.apply(q))).as("seed %d", seed).isEqualTo(order);
    }
  }

  /**
   * Removes the model's head (first queue with jobs, highest level, oldest) and returns its jid.
   */
  private static String expectedHead(List<List<QueuedJob>> model) {
    for (List<QueuedJob> queue : model) {
      QueuedJob best = null;
      for (QueuedJob j : queue) {
        if (best == null || j.priority() > best.priority()) {
          best = j;
        }
      }
      if (best != null) {
        queue.remove(best);
        return best.jid();
      }
    }
    return null;
  }

  @Test
  void aQueuedJobOutsideOneToNineIsRefused() {
    assertThatThrownBy(() -> new QueuedJob("bad-prio", "q", new byte[0], 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new QueuedJob("bad-prio", "q", new byte[0], 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
