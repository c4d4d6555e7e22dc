package dev.fabrik.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Store} must show (with the set scans of {@link SetScanContract}).
 * Subclasses say how to open a fresh, empty store. Instants are whole microseconds: durable stores
 * keep scores as epoch micros.
 */
public abstract class StoreContract extends SetScanContract {

  protected Optional<Reservation> reserve(String... queues) {
    return store.reserve(List.of(queues), "w1", T0, payload -> T0.plusSeconds(1800));
  }

  protected Reservation reserveAt(Instant expiresAt, String queue) {
    return store.reserve(List.of(queue), "w1", T0, payload -> expiresAt).orElseThrow();
  }

  /** What a crash of the process would leave behind, to be opened later as a store. */
  @FunctionalInterface
  protected interface CrashImage {
    Store open() throws Exception;
  }

  /**
   * Takes a {@link CrashImage} of {@link #store} as a crash at this instant would leave it; empty
   * for a store that keeps nothing across a restart (a crash cannot undo its answers, it undoes
   * everything). May be called on the store's own threads, inside a completion.
   */
  protected Optional<CrashImage> crashImage() {
    return Optional.empty();
  }

  /**
   * Keeps the store's writes from completing until {@link #release}: a scheduler pass that is
   * stopped in the middle (its restamp waits), as a long write would keep the writer busy.
   */
  private final class WritesHeld {
    private final CountDownLatch release = new CountDownLatch(1);
    private final CompletableFuture<Integer> pass;

    WritesHeld() throws InterruptedException {
      store.addToSet(SetName.SCHEDULED, T0, job("held-pass", "elsewhere"));
      CountDownLatch holding = new CountDownLatch(1);
      pass =
          CompletableFuture.supplyAsync(
              () ->
                  store.enqueueDue(
                      SetName.SCHEDULED,
                      T0,
                      10,
                      payload -> {
                        holding.countDown();
                        try {
                          release.await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        return payload;
                      }));
      assertThat(holding.await(30, TimeUnit.SECONDS)).as("the pass started").isTrue();
    }

    void release() throws Exception {
      release.countDown();
      assertThat(pass.get(30, TimeUnit.SECONDS)).isEqualTo(1);
    }
  }

  private static List<String> queued(Store s, String queue) {
    return s.browse(queue, 0, 1000).stream().map(QueuedJob::jid).toList();
  }

  private static FailureDecision retryAt(Instant at) {
    return r ->
        new FailureDecision.Retry(at, ("retry:" + r.jid()).getBytes(StandardCharsets.UTF_8));
  }

  private List<String> jids(List<SetEntry> entries) {
    return entries.stream().map(SetEntry::jid).toList();
  }

  private List<String> drain(String queue) {
    List<String> out = new ArrayList<>();
    for (Optional<Reservation> r = reserve(queue); r.isPresent(); r = reserve(queue)) {
      out.add(r.get().jid());
      store.acknowledge(r.get().jid());
    }
    return out;
  }

  // ---------------------------------------------------------------- durability of answers

  /**
   * An ACK or FAIL is answered only once it is as durable as a PUSH: a crash at the instant the
   * answer is ready (the image is taken inside the completion) leaves the job finished, however
   * busy the store's writes were when it came.
   */
  @Test
  void anAckOrFailHoldsAfterACrashAtTheMomentItIsAnswered() throws Exception {
    assumeTrue(crashImage().isPresent(), "the store keeps nothing across a restart");
    store.enqueue(List.of(job("acked", "q"), job("failed", "q"), job("kept", "q")));
    reserve("q");
    reserve("q");
    WritesHeld held = new WritesHeld();
    AtomicReference<CrashImage> atAck = new AtomicReference<>();
    AtomicReference<CrashImage> atFail = new AtomicReference<>();
    CompletableFuture<Void> ack =
        store.acknowledgeAsync("acked").thenRun(() -> atAck.set(crashImage().orElseThrow()));
    CompletableFuture<Void> fail =
        CompletableFuture.supplyAsync(() -> store.fail("failed", retryAt(T0.plusSeconds(60))))
            .thenRun(() -> atFail.set(crashImage().orElseThrow()));
    held.release();
    ack.get(30, TimeUnit.SECONDS);
    fail.get(30, TimeUnit.SECONDS);

    try (Store crashed = atAck.get().open()) {
      assertThat(queued(crashed, "q")).doesNotContain("acked").contains("kept");
    }
    try (Store crashed = atFail.get().open()) {
      assertThat(queued(crashed, "q")).containsExactly("kept");
      assertThat(jids(crashed.scan(SetName.RETRIES, null, 10))).containsExactly("failed");
    }
  }

  /**
   * A client that sends its ACK twice gets {@code +OK} twice, but the second (which finds no
   * reservation) never before the first is durable: an answered ACK is never undone.
   */
  @Test
  void aRepeatedAckIsAnsweredOnlyOnceTheFirstHolds() throws Exception {
    assumeTrue(crashImage().isPresent(), "the store keeps nothing across a restart");
    store.enqueue(List.of(job("twice", "q")));
    reserve("q");
    WritesHeld held = new WritesHeld();
    CompletableFuture<Optional<Reservation>> first = store.acknowledgeAsync("twice");
    AtomicReference<CrashImage> atSecond = new AtomicReference<>();
    CompletableFuture<Optional<Reservation>> second = store.acknowledgeAsync("twice");
    CompletableFuture<Void> answered =
        second.thenRun(() -> atSecond.set(crashImage().orElseThrow()));
    held.release();

    assertThat(first.get(30, TimeUnit.SECONDS)).map(Reservation::jid).contains("twice");
    assertThat(second.get(30, TimeUnit.SECONDS)).isEmpty();
    answered.get(30, TimeUnit.SECONDS);
    try (Store crashed = atSecond.get().open()) {
      assertThat(queued(crashed, "q")).isEmpty();
    }
    assertThat(store.counters().processed()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- queues

  @Test
  void reservationDeadlineIsComputedFromTheReservedPayload() {
    store.enqueue(List.of(job("short-1", "q"), job("long-1", "q")));
    java.util.function.Function<byte[], Instant> byPayload =
        payload -> T0.plusSeconds(text(payload).contains("long") ? 3600 : 60);

    Reservation shortOne = store.reserve(List.of("q"), "w1", T0, byPayload).orElseThrow();
    Reservation longOne = store.reserve(List.of("q"), "w1", T0, byPayload).orElseThrow();

    assertThat(shortOne.expiresAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(longOne.expiresAt()).isEqualTo(T0.plusSeconds(3600));
    assertThat(store.expiredReservations(T0.plusSeconds(61), 10))
        .extracting(Reservation::jid)
        .containsExactly("short-1");
  }

  @Test
  void enqueueAsyncStoresInOrderAndTheJobsAreThereWhenItCompletes() throws Exception {
    CompletableFuture<Void> stored =
        store.enqueueAsync(List.of(job("async-1", "q"), job("async-2", "q")));
    stored.get(30, TimeUnit.SECONDS);
    assertThat(store.queueSize("q")).isEqualTo(2);
    assertThat(drain("q")).containsExactly("async-1", "async-2");
  }

  @Test
  void acknowledgeAsyncRemovesTheReservationOnceAndCountsIt() throws Exception {
    store.enqueue(List.of(job("a", "q")));
    reserve("q").orElseThrow();

    Optional<Reservation> acked = store.acknowledgeAsync("a").get(30, TimeUnit.SECONDS);
    assertThat(acked).map(Reservation::jid).hasValue("a");
    assertThat(store.acknowledgeAsync("a").get(30, TimeUnit.SECONDS)).isEmpty();
    assertThat(store.acknowledgeAsync("never-reserved").get(30, TimeUnit.SECONDS)).isEmpty();
    assertThat(store.counters().processed()).isEqualTo(1);
    assertThat(store.queueSize("q")).isZero();
    assertThat(store.expiredReservations(T0.plusSeconds(100_000), 10)).isEmpty();
  }

  @Test
  void enqueueThenReserveThenAck() {
    store.enqueue(List.of(job("a", "default")));
    assertThat(store.queueSize("default")).isEqualTo(1);

    Reservation r = reserve("default").orElseThrow();
    assertThat(r.jid()).isEqualTo("a");
    assertThat(r.queue()).isEqualTo("default");
    assertThat(r.wid()).isEqualTo("w1");
    assertThat(r.reservedAt()).isEqualTo(T0);
    assertThat(text(r.payload())).isEqualTo(text(payload("a")));
    assertThat(store.queueSize("default")).isZero();
    assertThat(store.workingSize()).isEqualTo(1);

    assertThat(store.acknowledge("a")).map(Reservation::jid).contains("a");
    assertThat(store.acknowledge("a")).isEmpty();
    assertThat(store.workingSize()).isZero();
    assertThat(store.counters()).isEqualTo(new Counters(1, 0));
  }

  @Test
  void eachQueueIsFifoAcrossManyPushes() {
    // singles and batches interleaved; a few commits only, so durable stores stay quick
    List<String> expected = new ArrayList<>();
    List<QueuedJob> batch = new ArrayList<>();
    for (int i = 0; i < 5002; i++) {
      QueuedJob j = job("j" + i, i % 7 == 0 ? "other" : "q");
      if (i % 97 == 0) {
        store.enqueue(List.copyOf(batch));
        batch.clear();
        store.enqueue(List.of(j));
      } else {
        batch.add(j);
      }
      if (j.queue().equals("q")) {
        expected.add(j.jid());
      }
    }
    store.enqueue(batch);
    assertThat(store.queueSize("q")).isEqualTo(expected.size());
    assertThat(store.queueSize("other")).isEqualTo(5002 - expected.size());
    List<String> got = new ArrayList<>();
    for (Optional<Reservation> r = reserve("q"); r.isPresent(); r = reserve("q")) {
      got.add(r.get().jid());
    }
    assertThat(got).isEqualTo(expected);
    assertThat(store.workingSize()).isEqualTo(expected.size());
  }

  @Test
  void strictFifoOrder() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      store.enqueue(List.of(job("s" + i, "q")));
      expected.add("s" + i);
    }
    assertThat(drain("q")).isEqualTo(expected);
  }

  @Test
  void reserveTakesTheFirstNonEmptyQueueInTheGivenOrder() {
    store.enqueue(List.of(job("low1", "low"), job("high1", "high"), job("low2", "low")));
    assertThat(reserve("critical", "high", "low")).map(Reservation::jid).contains("high1");
    assertThat(reserve("critical", "high", "low")).map(Reservation::jid).contains("low1");
    assertThat(reserve("low", "high")).map(Reservation::jid).contains("low2");
    assertThat(reserve("critical", "high", "low")).isEmpty();
    assertThat(reserve("nosuch")).isEmpty();
  }

  @Test
  void reserveAsyncAnswersAsReserveDoes() {
    store.enqueue(List.of(job("low1", "low"), job("high1", "high")));
    Reservation first =
        store
            .reserveAsync(List.of("high", "low"), "w1", T0, payload -> T0.plusSeconds(1800))
            .join()
            .orElseThrow();
    assertThat(first.jid()).isEqualTo("high1");
    assertThat(first.wid()).isEqualTo("w1");
    assertThat(first.expiresAt()).isEqualTo(T0.plusSeconds(1800));
    assertThat(reserve("high", "low")).map(Reservation::jid).contains("low1");
    assertThat(store.reserveAsync(List.of("high", "low"), "w1", T0, p -> T0).join()).isEmpty();
    assertThat(store.reservations(10)).extracting(Reservation::jid).contains("high1", "low1");
  }

  @Test
  void enqueueIsAtomicPerCallAndKeepsListOrder() {
    store.enqueue(List.of(job("a", "x"), job("b", "y"), job("c", "x")));
    assertThat(store.queueSizes()).containsExactly(Map.entry("x", 2L), Map.entry("y", 1L));
    assertThat(store.browse("x", 0, 10)).extracting(QueuedJob::jid).containsExactly("a", "c");
  }

  @Test
  void pushStoresQueuedJobsAndSetEntriesTogether() {
    Instant later = T0.plusSeconds(30);
    QueuedJob s1 = job("s1", "x");
    store.push(
        List.of(job("a", "x"), job("b", "y")),
        List.of(new SetEntry(SetName.SCHEDULED, later, s1.jid(), s1.queue(), s1.payload())));
    assertThat(store.queueSizes()).containsExactly(Map.entry("x", 1L), Map.entry("y", 1L));
    assertThat(store.setSize(SetName.SCHEDULED)).isEqualTo(1);
    assertThat(store.enqueueDue(SetName.SCHEDULED, later, 10, p -> p)).isEqualTo(1);
    assertThat(store.browse("x", 0, 10)).extracting(QueuedJob::jid).containsExactly("a", "s1");
  }

  @Test
  void queuesStayKnownWhileEmptyUntilRemoved() {
    store.enqueue(List.of(job("a", "q1"), job("b", "q2")));
    reserve("q1").orElseThrow();
    assertThat(store.queueSizes()).containsExactly(Map.entry("q1", 0L), Map.entry("q2", 1L));

    store.pause(List.of("q1", "q2"));
    store.remove(List.of("q2"));
    assertThat(store.queueSizes()).containsExactly(Map.entry("q1", 0L));
    assertThat(store.queueSize("q2")).isZero();
    assertThat(store.pausedQueues()).containsExactly("q1");
    assertThat(reserve("q2")).isEmpty();
    // the reservation taken from q1 still acks
    assertThat(store.acknowledge("a")).isPresent();
  }

  @Test
  void pauseResumeRemoveOfUnknownQueuesAreNoOps() {
    store.pause(List.of("ghost"));
    store.resume(List.of("ghost"));
    store.remove(List.of("ghost"));
    assertThat(store.pausedQueues()).isEmpty();
    assertThat(store.queueSizes()).isEmpty();
  }

  @Test
  void pauseAndResume() {
    store.enqueue(List.of(job("a", "q1"), job("b", "q2")));
    store.pause(List.of("q1", "q2"));
    store.resume(List.of("q2"));
    assertThat(store.pausedQueues()).isEqualTo(Set.of("q1"));
    // reserve does not skip paused queues: the manager filters them
    assertThat(reserve("q1")).isPresent();
  }

  @Test
  void peekAndBrowse() {
    assertThat(store.peek("q")).isEmpty();
    for (int i = 0; i < 10; i++) {
      store.enqueue(List.of(job("b" + i, "q")));
    }
    assertThat(store.peek("q")).map(StoreContract::text).contains(text(payload("b0")));
    assertThat(store.browse("q", 3, 4))
        .extracting(QueuedJob::jid)
        .containsExactly("b3", "b4", "b5", "b6");
    assertThat(store.browse("q", 8, 10)).extracting(QueuedJob::jid).containsExactly("b8", "b9");
    QueuedJob first = store.browse("q", 0, 1).getFirst();
    assertThat(first.queue()).isEqualTo("q");
    assertThat(text(first.payload())).isEqualTo(text(payload("b0")));
    assertThat(store.browse("none", 0, 10)).isEmpty();
    assertThat(store.queueSize("q")).isEqualTo(10);
  }

  // ---------------------------------------------------------------- reservations

  @Test
  void failWithRetryDeadAndDiscard() {
    store.enqueue(List.of(job("r", "q"), job("d", "q"), job("x", "q")));
    reserve("q");
    reserve("q");
    reserve("q");

    Instant at = T0.plusSeconds(30);
    assertThat(store.fail("r", retryAt(at))).map(Reservation::jid).contains("r");
    assertThat(store.fail("r", retryAt(at))).isEmpty();
    store.fail("d", r -> new FailureDecision.Dead(T0.plusSeconds(99), "dead".getBytes()));
    store.fail("x", r -> new FailureDecision.Discard());

    SetEntry retry = store.find(SetName.RETRIES, new SetEntry.Key(at, "r")).orElseThrow();
    assertThat(retry.queue()).isEqualTo("q");
    assertThat(retry.set()).isEqualTo(SetName.RETRIES);
    assertThat(text(retry.payload())).isEqualTo("retry:r");
    SetEntry dead = store.scan(SetName.DEAD, null, 10).getFirst();
    assertThat(dead.score()).isEqualTo(T0.plusSeconds(99));
    assertThat(dead.jid()).isEqualTo("d");
    assertThat(text(dead.payload())).isEqualTo("dead");
    assertThat(store.setSize(SetName.RETRIES)).isEqualTo(1);
    assertThat(store.setSize(SetName.DEAD)).isEqualTo(1);
    assertThat(store.workingSize()).isZero();
    assertThat(store.queueSize("q")).isZero();
    assertThat(store.counters()).isEqualTo(new Counters(3, 3));
  }

  @Test
  void snoozeSchedulesTheJobAndCountsNothing() {
    store.enqueue(List.of(job("s", "q"), job("f", "q")));
    reserve("q");
    reserve("q");
    Instant until = T0.plusSeconds(45);

    assertThat(store.fail("s", r -> new FailureDecision.Snooze(until, "snoozed".getBytes())))
        .map(Reservation::jid)
        .contains("s");
    assertThat(store.fail("s", r -> new FailureDecision.Snooze(until, "again".getBytes())))
        .isEmpty();

    SetEntry entry = store.find(SetName.SCHEDULED, new SetEntry.Key(until, "s")).orElseThrow();
    assertThat(entry.queue()).isEqualTo("q");
    assertThat(text(entry.payload())).isEqualTo("snoozed");
    assertThat(store.setSize(SetName.SCHEDULED)).isEqualTo(1);
    assertThat(store.setSize(SetName.RETRIES)).isZero();
    assertThat(store.workingSize()).isEqualTo(1);
    assertThat(store.counters()).isEqualTo(new Counters(0, 0));

    // Once due it is an ordinary job of its queue again; the other reservation was untouched.
    assertThat(store.enqueueDue(SetName.SCHEDULED, until, 10, p -> p)).isEqualTo(1);
    assertThat(store.queueSize("q")).isEqualTo(1);
    store.fail("f", r -> new FailureDecision.Discard());
    assertThat(store.counters()).isEqualTo(new Counters(1, 1));
  }

  @Test
  void failSeesTheReservation() {
    store.enqueue(List.of(job("a", "q")));
    reserve("q");
    List<Reservation> seen = new ArrayList<>();
    store.fail(
        "a",
        r -> {
          seen.add(r);
          return new FailureDecision.Discard();
        });
    assertThat(seen)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.jid()).isEqualTo("a");
              assertThat(r.queue()).isEqualTo("q");
              assertThat(text(r.payload())).isEqualTo(text(payload("a")));
            });
  }

  @Test
  void duplicateJidsAreBothReservedAndAckable() {
    store.enqueue(List.of(job("same", "q"), job("same", "q")));
    reserve("q").orElseThrow();
    reserve("q").orElseThrow();
    assertThat(store.workingSize()).isEqualTo(2);
    assertThat(store.acknowledge("same")).isPresent();
    assertThat(store.acknowledge("same")).isPresent();
    assertThat(store.acknowledge("same")).isEmpty();
    assertThat(store.counters().processed()).isEqualTo(2);
  }

  @Test
  void expiredReservationsOldestDeadlineFirstWithLimit() {
    for (String j : List.of("a", "b", "c", "d")) {
      store.enqueue(List.of(job(j, "q")));
    }
    reserveAt(T0.plusSeconds(30), "q"); // a
    reserveAt(T0.plusSeconds(10), "q"); // b
    reserveAt(T0.plusSeconds(20), "q"); // c
    reserveAt(T0.plusSeconds(99), "q"); // d

    assertThat(store.expiredReservations(T0.plusSeconds(5), 10)).isEmpty();
    assertThat(store.expiredReservations(T0.plusSeconds(30), 10))
        .extracting(Reservation::jid)
        .containsExactly("b", "c", "a");
    assertThat(store.expiredReservations(T0.plusSeconds(30), 2))
        .extracting(Reservation::jid)
        .containsExactly("b", "c");
    assertThat(store.reservations(3)).extracting(Reservation::jid).containsExactly("a", "b", "c");
  }

  @Test
  void extendReservationNeverMovesEarlier() {
    store.enqueue(List.of(job("a", "q")));
    reserveAt(T0.plusSeconds(60), "q");

    assertThat(store.extendReservation("a", T0.plusSeconds(10))).isTrue();
    assertThat(store.expiredReservations(T0.plusSeconds(59), 10)).isEmpty();
    assertThat(store.extendReservation("a", T0.plusSeconds(120))).isTrue();
    assertThat(store.expiredReservations(T0.plusSeconds(119), 10)).isEmpty();
    assertThat(store.expiredReservations(T0.plusSeconds(120), 10))
        .singleElement()
        .extracting(Reservation::expiresAt)
        .isEqualTo(T0.plusSeconds(120));
    assertThat(store.extendReservation("nope", T0.plusSeconds(120))).isFalse();
  }

  // ---------------------------------------------------------------- sets

  @Test
  void setsAreOrderedByScoreThenJid() {
    store.addToSet(SetName.SCHEDULED, T0.plusSeconds(2), job("z", "q"));
    store.addToSet(SetName.SCHEDULED, T0.plusSeconds(1), job("b", "q"));
    store.addToSet(SetName.SCHEDULED, T0.plusSeconds(1), job("a", "q"));
    store.addToSet(SetName.RETRIES, T0, job("other", "q"));

    assertThat(jids(store.scan(SetName.SCHEDULED, null, 10))).containsExactly("a", "b", "z");
    assertThat(store.setSize(SetName.SCHEDULED)).isEqualTo(3);
    assertThat(store.setSize(SetName.RETRIES)).isEqualTo(1);
    assertThat(store.setSize(SetName.DEAD)).isZero();
    assertThat(store.find(SetName.SCHEDULED, new SetEntry.Key(T0.plusSeconds(1), "b")))
        .map(SetEntry::queue)
        .contains("q");
    assertThat(store.find(SetName.SCHEDULED, new SetEntry.Key(T0.plusSeconds(2), "b"))).isEmpty();
    assertThat(store.find(SetName.RETRIES, new SetEntry.Key(T0.plusSeconds(1), "b"))).isEmpty();
  }

  @Test
  void enqueueDueMovesOnlyDueEntriesToTheBackWithRestampedPayload() {
    store.enqueue(List.of(job("waiting", "q")));
    store.addToSet(SetName.SCHEDULED, T0.plusSeconds(3), job("s3", "q"));
    store.addToSet(SetName.SCHEDULED, T0.plusSeconds(1), job("s1", "q"));
    store.addToSet(SetName.SCHEDULED, T0.plusSeconds(2), job("s2", "other"));
    store.addToSet(SetName.SCHEDULED, T0.plusSeconds(9), job("later", "q"));

    int moved = store.enqueueDue(SetName.SCHEDULED, T0.plusSeconds(3), 2, p -> stamp(p));
    assertThat(moved).isEqualTo(2);
    assertThat(jids(store.scan(SetName.SCHEDULED, null, 10))).containsExactly("s3", "later");
    assertThat(store.browse("q", 0, 10))
        .extracting(QueuedJob::jid)
        .containsExactly("waiting", "s1");
    assertThat(text(store.browse("q", 1, 1).getFirst().payload())).isEqualTo("stamped:s1");
    assertThat(store.queueSize("other")).isEqualTo(1);

    assertThat(store.enqueueDue(SetName.SCHEDULED, T0.plusSeconds(3), 10, p -> stamp(p)))
        .isEqualTo(1);
    assertThat(store.enqueueDue(SetName.SCHEDULED, T0.plusSeconds(3), 10, p -> stamp(p))).isZero();
    assertThat(store.setSize(SetName.SCHEDULED)).isEqualTo(1);
    assertThat(drain("q")).containsExactly("waiting", "s1", "s3");
  }

  private static byte[] stamp(byte[] payload) {
    String jid = text(payload).replaceAll(".*\"jid\":\"([^\"]*)\".*", "$1");
    return ("stamped:" + jid).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void purgeDueAndTrim() {
    for (int i = 0; i < 10; i++) {
      store.addToSet(SetName.DEAD, T0.plusSeconds(i), job("d" + i, "q"));
    }
    assertThat(store.purgeDue(SetName.DEAD, T0.plusSeconds(4), 3)).isEqualTo(3);
    assertThat(store.purgeDue(SetName.DEAD, T0.plusSeconds(4), 100)).isEqualTo(2);
    assertThat(store.setSize(SetName.DEAD)).isEqualTo(5);
    assertThat(store.trim(SetName.DEAD, 2)).isEqualTo(3);
    assertThat(jids(store.scan(SetName.DEAD, null, 10))).containsExactly("d8", "d9");
    assertThat(store.trim(SetName.DEAD, 5)).isZero();
    assertThat(store.queueSize("q")).isZero();
  }

  @Test
  void mutateKillMovesToDeadWithNewExpiry() {
    store.addToSet(SetName.RETRIES, T0, job("a", "q"));
    store.addToSet(SetName.RETRIES, T0.plusSeconds(1), job("b", "q"));
    Instant expiry = T0.plusSeconds(1000);
    int n = store.mutate(SetName.RETRIES, e -> e.jid().equals("a"), new Mutation.Kill(expiry));
    assertThat(n).isEqualTo(1);
    assertThat(jids(store.scan(SetName.RETRIES, null, 10))).containsExactly("b");
    SetEntry dead = store.find(SetName.DEAD, new SetEntry.Key(expiry, "a")).orElseThrow();
    assertThat(dead.set()).isEqualTo(SetName.DEAD);
    assertThat(text(dead.payload())).isEqualTo(text(payload("a")));

    // within dead: refreshes the expiry
    Instant later = T0.plusSeconds(2000);
    assertThat(store.mutate(SetName.DEAD, e -> true, new Mutation.Kill(later))).isEqualTo(1);
    assertThat(store.scan(SetName.DEAD, null, 10))
        .extracting(SetEntry::score, SetEntry::jid)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(later, "a"));
  }

  @Test
  void mutateRequeueAndDelete() {
    store.enqueue(List.of(job("first", "q")));
    store.addToSet(SetName.DEAD, T0, job("a", "q"));
    store.addToSet(SetName.DEAD, T0.plusSeconds(1), job("b", "q"));
    store.addToSet(SetName.DEAD, T0.plusSeconds(2), job("c", "q"));

    assertThat(store.mutate(SetName.DEAD, e -> !e.jid().equals("b"), new Mutation.Requeue()))
        .isEqualTo(2);
    assertThat(store.browse("q", 0, 10))
        .extracting(QueuedJob::jid)
        .containsExactly("first", "a", "c");
    assertThat(text(store.browse("q", 1, 1).getFirst().payload())).isEqualTo(text(payload("a")));

    assertThat(store.mutate(SetName.DEAD, e -> true, new Mutation.Delete())).isEqualTo(1);
    assertThat(store.setSize(SetName.DEAD)).isZero();
    assertThat(store.mutate(SetName.DEAD, e -> true, new Mutation.Delete())).isZero();
  }

  @Test
  void scanCursorReturnsEveryEntryOnceInOrder() {
    List<SetEntry.Key> expected = new ArrayList<>();
    for (int i = 0; i < 550; i++) {
      Instant score = T0.plusSeconds(i / 3); // three entries share each score
      String jid = String.format("j%04d", 549 - i);
      store.addToSet(SetName.SCHEDULED, score, job(jid, "q"));
      expected.add(new SetEntry.Key(score, jid));
    }
    expected.sort(
        java.util.Comparator.comparing(SetEntry.Key::score).thenComparing(SetEntry.Key::jid));
    List<SetEntry.Key> seen = new ArrayList<>();
    SetEntry.Key cursor = null;
    while (true) {
      List<SetEntry> page = store.scan(SetName.SCHEDULED, cursor, 100);
      if (page.isEmpty()) {
        break;
      }
      assertThat(page.size()).isLessThanOrEqualTo(100);
      page.forEach(e -> seen.add(new SetEntry.Key(e.score(), e.jid())));
      cursor = page.getLast().key();
    }
    assertThat(seen).isEqualTo(expected);
  }

  // ---------------------------------------------------------------- listeners, admin

  @Test
  void onEnqueuedFiresForEnqueueEnqueueDueAndRequeue() {
    List<String> events = new CopyOnWriteArrayList<>();
    store.onEnqueued((queue, count) -> events.add(queue + ":" + count));

    store.enqueue(List.of(job("a", "q"), job("b", "q"), job("c", "r")));
    assertThat(events).containsExactlyInAnyOrder("q:2", "r:1");
    events.clear();

    store.addToSet(SetName.SCHEDULED, T0, job("s", "q"));
    store.enqueueDue(SetName.SCHEDULED, T0, 10, p -> p);
    assertThat(events).containsExactly("q:1");
    events.clear();

    store.addToSet(SetName.DEAD, T0, job("d", "r"));
    store.mutate(SetName.DEAD, e -> true, new Mutation.Requeue());
    assertThat(events).containsExactly("r:1");
  }

  @Test
  void listenerSeesJobsAlreadyFetchable() {
    List<Optional<Reservation>> seen = new CopyOnWriteArrayList<>();
    store.onEnqueued((queue, count) -> seen.add(reserve(queue)));
    store.enqueue(List.of(job("a", "q")));
    assertThat(seen).singleElement().satisfies(r -> assertThat(r).isPresent());
  }

  @Test
  void flushWipesEverything() {
    store.enqueue(List.of(job("a", "q"), job("b", "q"), job("c", "q")));
    store.pause(List.of("q"));
    reserve("q");
    reserve("q");
    store.acknowledge("a");
    store.addToSet(SetName.SCHEDULED, T0, job("s", "q"));
    store.addToSet(SetName.RETRIES, T0, job("r", "q"));
    store.addToSet(SetName.DEAD, T0, job("d", "q"));

    store.flush();

    assertThat(store.queueSizes()).isEmpty();
    assertThat(store.pausedQueues()).isEmpty();
    assertThat(store.workingSize()).isZero();
    assertThat(store.acknowledge("b")).isEmpty();
    assertThat(store.counters()).isEqualTo(new Counters(0, 0));
    for (SetName s : SetName.values()) {
      assertThat(store.setSize(s)).isZero();
    }
    assertThat(reserve("q")).isEmpty();
    store.enqueue(List.of(job("after", "q")));
    assertThat(drain("q")).containsExactly("after");
  }

  @Test
  void callsAfterCloseThrow() {
    store.close();
    store.close();
    assertThatThrownBy(() -> store.enqueue(List.of(job("a", "q"))))
        .isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> reserve("q")).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> store.queueSize("q")).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> store.acknowledge("a")).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> store.setSize(SetName.DEAD)).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> store.counters()).isInstanceOf(StorageException.class);
    store = null;
  }

  @Test
  void concurrentProducersAndConsumersLoseAndDuplicateNothing() throws Exception {
    int producers = 5;
    int perProducer = 1000;
    int total = producers * perProducer;
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(producers * 2);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int id = p;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perProducer; i++) {
                    String queue = i % 2 == 0 ? "even" : "odd";
                    store.enqueue(List.of(job("p" + id + "-" + i, queue)));
                  }
                }));
      }
      for (int c = 0; c < producers; c++) {
        futures.add(
            pool.submit(
                () -> {
                  while (done.get() < total) {
                    Optional<Reservation> r =
                        store.reserve(
                            List.of("even", "odd"), "w", T0, payload -> T0.plusSeconds(60));
                    if (r.isEmpty()) {
                      Thread.onSpinWait();
                      continue;
                    }
                    if (!acked.add(r.get().jid())) {
                      duplicates.incrementAndGet();
                    }
                    assertThat(store.acknowledge(r.get().jid())).isPresent();
                    done.incrementAndGet();
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(duplicates.get()).isZero();
    assertThat(acked).hasSize(total);
    assertThat(store.counters().processed()).isEqualTo(total);
    assertThat(store.workingSize()).isZero();
    assertThat(store.queueSizes().values()).containsOnly(0L);
  }
}
