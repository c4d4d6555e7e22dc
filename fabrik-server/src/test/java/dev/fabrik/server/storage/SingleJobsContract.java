package dev.fabrik.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fabrik.server.jobs.JobPlace;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link dev.fabrik.server.jobs.SingleJobs} as every store keeps it: one queued job deleted or
 * moved to the front of its priority level, durably, never a job a FETCH reserved; a jid found in
 * its queue, in progress and in the sets. A store shared by several server nodes also passes the
 * same checks with the edit made on another node ({@link #otherNode}).
 */
public abstract class SingleJobsContract {

  protected static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  protected Store store;

  private final List<Store> others = new ArrayList<>();

  /** A new, empty store. */
  protected abstract Store open() throws Exception;

  /** Closes {@link #store} and opens its data again; empty when nothing survives a restart. */
  protected abstract Optional<Store> reopen() throws Exception;

  /**
   * A second server node on the same data as {@link #store} (closed by the test); empty for a store
   * that only one process opens.
   */
  protected Optional<Store> otherNode() {
    return Optional.empty();
  }

  @BeforeEach
  void openStore() throws Exception {
    store = open();
  }

  @AfterEach
  void closeStores() {
    others.forEach(Store::close);
    if (store != null) {
      store.close();
    }
  }

  protected static QueuedJob job(String jid, String queue, int priority) {
    byte[] payload =
        ("{\"jid\":\"" + jid + "\",\"queue\":\"" + queue + "\",\"priority\":" + priority + "}")
            .getBytes(StandardCharsets.UTF_8);
    return new QueuedJob(jid, queue, payload, priority);
  }

  private static QueuedJob job(String jid) {
    return job(jid, "q", 5);
  }

  private List<String> browsed(Store s, String queue) {
    return s.browse(queue, 0, 1000).stream().map(QueuedJob::jid).toList();
  }

  private Optional<Reservation> fetch(Store s, String queue) {
    return s.reserve(List.of(queue), "w1", T0, p -> T0.plusSeconds(60));
  }

  private List<String> drain(Store s, String queue) {
    List<String> out = new ArrayList<>();
    Optional<Reservation> r;
    while ((r = fetch(s, queue)).isPresent()) {
      out.add(r.get().jid());
      s.acknowledge(r.get().jid());
    }
    return out;
  }

  private Store other() {
    Optional<Store> o = otherNode();
    assumeTrue(o.isPresent(), "only one process opens this store");
    others.add(o.get());
    return o.get();
  }

  @Test
  void deletesExactlyThatQueuedJob() {
    store.enqueue(List.of(job("job-a"), job("job-b"), job("job-c"), job("job-a", "other", 5)));

    assertThat(store.singleJobs().deleteQueued("q", "job-b")).isTrue();

    assertThat(browsed(store, "q")).containsExactly("job-a", "job-c");
    assertThat(store.queueSize("q")).isEqualTo(2);
    assertThat(browsed(store, "other")).containsExactly("job-a");
    assertThat(store.singleJobs().deleteQueued("q", "job-b")).as("already deleted").isFalse();
    assertThat(store.singleJobs().deleteQueued("q", "nobody-1")).isFalse();
    assertThat(store.singleJobs().deleteQueued("nowhere", "job-a")).isFalse();
    assertThat(drain(store, "q")).containsExactly("job-a", "job-c");

    // of twins, the one fetched first goes
    store.enqueue(List.of(job("twin-1", "q", 5), job("solo-1"), job("twin-1", "q", 7)));

    assertThat(store.singleJobs().deleteQueued("q", "twin-1")).isTrue();

    assertThat(store.browse("q", 0, 10))
        .extracting(QueuedJob::jid, QueuedJob::priority)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("twin-1", 5),
            org.assertj.core.groups.Tuple.tuple("solo-1", 5));
  }

  @Test
  void movesAJobToTheFrontOfItsLevel() {
    store.enqueue(
        List.of(
            job("job-a"), job("job-b"), job("job-c"), job("high-1", "q", 9), job("low-1", "q", 1)));

    assertThat(store.singleJobs().moveToFront("q", "job-c")).isTrue();
    assertThat(browsed(store, "q")).containsExactly("high-1", "job-c", "job-a", "job-b", "low-1");

    // the last one moved is the first of its level; a low-priority job stays behind higher ones
    assertThat(store.singleJobs().moveToFront("q", "job-b")).isTrue();
    assertThat(store.singleJobs().moveToFront("q", "low-1")).isTrue();
    assertThat(store.queueSize("q")).isEqualTo(5);
    assertThat(store.singleJobs().moveToFront("q", "nobody-1")).isFalse();
    assertThat(drain(store, "q")).containsExactly("high-1", "job-b", "job-c", "job-a", "low-1");
  }

  @Test
  void aReservedJobIsLeftAloneAndAMovedOneKeepsItsPayload() {
    store.enqueue(List.of(job("job-a"), job("job-b")));
    Reservation taken = fetch(store, "q").orElseThrow();
    assertThat(store.singleJobs().deleteQueued("q", taken.jid())).as("reserved").isFalse();
    assertThat(store.singleJobs().moveToFront("q", taken.jid())).as("reserved").isFalse();
    assertThat(store.acknowledge(taken.jid())).as("still reserved").isPresent();
    store.enqueue(List.of(job("job-a")));
    assertThat(store.singleJobs().moveToFront("q", "job-a")).isTrue();
    store.enqueue(List.of(job("job-c")));

    Reservation first = fetch(store, "q").orElseThrow();

    assertThat(first.jid()).isEqualTo("job-a");
    assertThat(new String(first.payload(), StandardCharsets.UTF_8)).contains("\"jid\":\"job-a\"");
    store.acknowledge("job-a");
    assertThat(drain(store, "q")).containsExactly("job-b", "job-c");
  }

  @Test
  void editsSurviveARestart() throws Exception {
    store.enqueue(List.of(job("job-a"), job("job-b"), job("job-c"), job("job-d")));
    assertThat(store.singleJobs().deleteQueued("q", "job-b")).isTrue();
    assertThat(store.singleJobs().moveToFront("q", "job-d")).isTrue();

    Optional<Store> reopened = reopen();
    assumeTrue(reopened.isPresent(), "nothing survives a restart");
    store = reopened.get();

    assertThat(browsed(store, "q")).containsExactly("job-d", "job-a", "job-c");
    assertThat(store.queueSize("q")).isEqualTo(3);
    store.enqueue(List.of(job("job-e")));
    assertThat(store.singleJobs().moveToFront("q", "job-c")).isTrue();
    assertThat(drain(store, "q")).containsExactly("job-c", "job-d", "job-a", "job-e");
  }

  @Test
  void aJobIsEitherDeletedOrFetchedNeverBothNorNeither() throws Exception {
    int n = 300;
    List<QueuedJob> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      jobs.add(job("race-" + i));
    }
    store.enqueue(jobs);
    Store editor =
        otherNode()
            .map(
                o -> {
                  others.add(o);
                  return o;
                })
            .orElse(store);

    Set<String> fetched = ConcurrentHashMap.newKeySet();
    CompletableFuture<Void> fetcher =
        CompletableFuture.runAsync(
            () -> {
              Optional<Reservation> r;
              while ((r = fetch(store, "q")).isPresent()) {
                fetched.add(r.get().jid());
              }
            });
    Set<String> deleted = new HashSet<>();
    List<String> order = new ArrayList<>(jobs.stream().map(QueuedJob::jid).toList());
    Collections.reverse(order); // meet the fetcher somewhere in the middle
    for (String jid : order) {
      if (editor.singleJobs().deleteQueued("q", jid)) {
        deleted.add(jid);
      }
    }
    fetcher.get();
    while (true) { // jobs the fetcher had not reached when the queue looked empty to it
      Optional<Reservation> r = fetch(store, "q");
      if (r.isEmpty()) {
        break;
      }
      fetched.add(r.get().jid());
    }

    Set<String> both = new HashSet<>(deleted);
    both.retainAll(fetched);
    assertThat(both).as("deleted and fetched").isEmpty();
    assertThat(deleted.size() + fetched.size()).isEqualTo(n);
    assertThat(store.queueSize("q")).isZero();
  }

  @Test
  void findsAJidInItsQueueInProgressAndInTheSets() {
    store.enqueue(List.of(job("here-1"), job("busy-1"), job("here-1", "other", 5)));
    fetch(store, "q").orElseThrow(); // here-1 of q
    store.acknowledge("here-1");
    fetch(store, "q").orElseThrow(); // busy-1
    store.addToSet(SetName.DEAD, T0.plusSeconds(5), job("here-1"));
    store.addToSet(SetName.SCHEDULED, T0.plusSeconds(9), job("later-1"));

    List<JobPlace> here = store.singleJobs().find("here-1", 10);
    assertThat(here).hasSize(2);
    assertThat(here)
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(JobPlace.Queued.class);
              assertThat(p.queue()).isEqualTo("other");
            })
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(JobPlace.InSet.class);
              assertThat(((JobPlace.InSet) p).entry().set()).isEqualTo(SetName.DEAD);
              assertThat(((JobPlace.InSet) p).entry().score()).isEqualTo(T0.plusSeconds(5));
            });
    assertThat(store.singleJobs().find("busy-1", 10))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p).isInstanceOf(JobPlace.Working.class);
              assertThat(((JobPlace.Working) p).reservation().wid()).isEqualTo("w1");
              assertThat(new String(p.payload(), StandardCharsets.UTF_8)).contains("busy-1");
            });
    assertThat(store.singleJobs().find("later-1", 10))
        .singleElement()
        .satisfies(
            p -> assertThat(((JobPlace.InSet) p).entry().set()).isEqualTo(SetName.SCHEDULED));
    assertThat(store.singleJobs().find("nobody-1", 10)).isEmpty();
    assertThat(store.singleJobs().find("here-1", 1)).hasSize(1);
  }

  @Test
  void anotherNodeNeitherDeletesNorMovesAJobThisNodeReserved() {
    Store b = other();
    store.enqueue(List.of(job("job-a"), job("job-b"), job("job-c")));
    Reservation r = fetch(store, "q").orElseThrow();

    assertThat(b.singleJobs().deleteQueued("q", r.jid())).isFalse();
    assertThat(b.singleJobs().moveToFront("q", "job-c")).isTrue();
    assertThat(b.singleJobs().find(r.jid(), 10))
        .singleElement()
        .isInstanceOf(JobPlace.Working.class);

    assertThat(fetch(store, "q").orElseThrow().jid()).isEqualTo("job-c");
    assertThat(b.singleJobs().deleteQueued("q", "job-b")).isTrue();
    assertThat(store.queueSize("q")).isZero();
  }
}
