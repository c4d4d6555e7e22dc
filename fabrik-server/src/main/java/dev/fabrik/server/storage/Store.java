package dev.fabrik.server.storage;

import dev.fabrik.server.cluster.ClusterStore;
import dev.fabrik.server.cron.CronStore;
import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.limits.LimitStore;
import dev.fabrik.server.unique.UniqueLocks;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The whole storage contract of the server: named queues (FIFO within each of a queue's priority
 * levels, the highest level first: {@link QueuedJob#priority()}), the three sorted sets (scheduled,
 * retries, dead), reservations of fetched jobs, and the processed/failed counters.
 *
 * <p>Payloads are the compact JSON bytes of a job; a store never parses them (the manager owns the
 * job format), except to read back the priority of a set entry returning to its queue ({@link
 * QueuedJob#fromPayload}). Every method that changes state returns (and every {@code ...Async}
 * stage completes) only once the change is as durable as the store's durability setting promises,
 * ACK and FAIL included: whatever the server answers {@code +OK} survives a crash of that kind. A
 * change that could not be stored throws {@link StorageException} and leaves the store as it was
 * (an ACK or FAIL keeps its reservation). A job handed to {@link #enqueue} is fetchable from the
 * moment the call returns (and never before it is durable). All methods are thread-safe.
 *
 * <p>Operations that must be atomic in a shared database (several server nodes on one PostgreSQL)
 * are single calls here: {@link #reserve}, {@link #acknowledge}, {@link #fail}, {@link
 * #enqueueDue}, {@link #mutate}. An embedded store may keep reservations in memory only: after a
 * crash every job that was reserved is simply in its queue again (at-least-once).
 *
 * <p>Every implementation passes {@code StoreContract} in the tests.
 */
public interface Store extends AutoCloseable {

  // ---------------------------------------------------------------- queues

  /**
   * Appends each job to the back of its queue (registering the queue), in list order, atomically:
   * either all are stored or the call throws and none is.
   *
   * @throws StorageException the jobs were not stored (disk full, I/O error, store closed)
   */
  void enqueue(List<QueuedJob> jobs);

  /**
   * Stores a PUSHB in one atomic step: {@code jobs} to the back of their queues (as {@link
   * #enqueue}) and {@code entries} into their sets (as {@link #addAllToSet}, the batch's scheduled
   * jobs). Either all are stored or the call throws and none is, so a crash or a full disk never
   * leaves part of a batch behind.
   *
   * @throws StorageException nothing was stored
   */
  void push(List<QueuedJob> jobs, List<SetEntry> entries);

  /**
   * {@link #enqueue} without holding the caller's thread while the jobs become durable: the event
   * loop that reads PUSH hands the insert over and answers from the completion. The returned stage
   * completes (normally, or with the {@link StorageException}) once {@link #enqueue} would have
   * returned; it may complete on a thread of the store, so what the caller chains to it must be
   * short and must not block.
   *
   * <p>The default runs {@link #enqueue} in the calling thread, which suits a store whose enqueue
   * never waits for I/O; one that does wait (a group-committed file, a database round trip)
   * overrides this.
   */
  default CompletableFuture<Void> enqueueAsync(List<QueuedJob> jobs) {
    try {
      enqueue(jobs);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Takes the oldest job of the highest priority level from the first non-empty queue of {@code
   * queues} (in the given order; a priority never reaches across queues) and records a reservation
   * for it that expires at {@code deadline.apply(payload)} (the manager reads the job's {@code
   * reserve_for}); one atomic step, so a shared database needs one write. Paused queues are NOT
   * skipped here (the manager filters them). Never blocks waiting for work.
   *
   * @return the reservation, or empty when every named queue is empty
   */
  Optional<Reservation> reserve(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline);

  /**
   * {@link #reserve} whose answer may come later, on a thread of the store's: a store that makes a
   * round trip for it ({@link #reserveWaitsForIo}) completes the future on the thread that got the
   * database's reply, so nobody waits for it blocked. Dependent stages run on that thread and must
   * not block. The default reserves at once on the calling thread.
   */
  default CompletableFuture<Optional<Reservation>> reserveAsync(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
    return CompletableFuture.completedFuture(reserve(queues, wid, now, deadline));
  }

  /**
   * {@link #reserve} that leaves the jobs {@code passOver} names in their places and reserves the
   * first one behind them that passes (the concurrency and rate limits' FETCH, without head-of-line
   * blocking); examines at most {@link PassOver#SCAN_LIMIT} jobs per queue.
   */
  Optional<Reservation> reserve(
      List<String> queues,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline,
      PassOver passOver);

  /**
   * Gives back a reservation just made by {@link #reserve} (its limit slot was lost to another
   * node): the job is queued again in its old place, nothing counted. False when this store cannot
   * (it is opened by one process only, which serializes limited FETCHes instead) or the reservation
   * is gone.
   */
  default boolean unreserve(Reservation reservation) {
    return false;
  }

  /**
   * True when {@link #reserve} makes a round trip to a database: the event loop then leaves FETCH
   * to a thread that may block rather than wait for the reply itself (one loop serves many
   * connections). False (the default) for a store that reserves in memory.
   */
  default boolean reserveWaitsForIo() {
    return false;
  }

  /** Calls {@code listener} after jobs become fetchable in a queue (after enqueue or a move). */
  void onEnqueued(EnqueueListener listener);

  /**
   * Told that jobs may have become fetchable in a queue through someone else: another server node
   * or an application's own transaction on a shared database. The count is unknown ({@link
   * Integer#MAX_VALUE}: wake every waiter of the queue), and a wake-up may be spurious (this node's
   * own commits are announced too). Must not block. A store only one process uses never calls it.
   */
  default void onEnqueuedElsewhere(EnqueueListener listener) {}

  /**
   * Reports each committed write transaction to {@code observer} (replacing any earlier one),
   * before the writes it carried return to their callers. A store without transactions of its own
   * (memory) ignores it.
   */
  default void onCommit(CommitObserver observer) {}

  long queueSize(String queue);

  /** Every known queue (one that has held a job and was not removed) with its size, by name. */
  Map<String, Long> queueSizes();

  /** The payload of the job that would be fetched next from {@code queue}, if any. */
  Optional<byte[]> peek(String queue);

  /** Up to {@code limit} jobs of a queue from its head, skipping the first {@code offset}. */
  List<QueuedJob> browse(String queue, long offset, int limit);

  /** Pauses known queues; unknown names are ignored. The flag is durable. */
  void pause(Collection<String> queues);

  void resume(Collection<String> queues);

  /** Deletes the queues' jobs, unregisters them and clears their paused flags. */
  void remove(Collection<String> queues);

  Set<String> pausedQueues();

  /**
   * The locks of unique jobs; its {@link UniqueLocks#pushAsync} stores jobs together with their
   * claims (this store's {@link #push}, made conditional).
   */
  UniqueLocks uniqueLocks();

  // ---------------------------------------------------------------- reservations

  /**
   * ACK: removes the reservation and the job for good and counts one processed job; returns once
   * the removal is as durable as a PUSH (a group commit under {@code PROCESS_CRASH}, an fsync under
   * {@code POWER_LOSS}), so a job whose ACK was answered never runs again after a crash. Within the
   * process the job is gone at once (no FETCH, reaper or set scan sees it again). Empty when {@code
   * jid} holds no reservation, though only after an ACK or FAIL of that jid still being stored has
   * become durable (an ACK sent twice is answered {@code +OK} twice, never before the first one
   * holds).
   *
   * @return the reservation that was removed, or empty when {@code jid} holds none
   * @throws StorageException the removal was not stored; the reservation is held as before
   */
  Optional<Reservation> acknowledge(String jid);

  /**
   * {@link #acknowledge} for a caller that must not wait (the event loop): the stage completes when
   * {@link #acknowledge} would have returned, possibly on a store thread (chain only short,
   * non-blocking work to it). The default calls {@link #acknowledge} in the calling thread; a store
   * whose acknowledge may wait for a commit overrides it.
   */
  default CompletableFuture<Optional<Reservation>> acknowledgeAsync(String jid) {
    try {
      return CompletableFuture.completedFuture(acknowledge(jid));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * FAIL or reservation expiry: removes the reservation, counts one processed and one failed job,
   * and stores whatever {@code decision} says (a retry, a dead entry, or nothing) in one atomic
   * step, durable when the call returns. A {@link FailureDecision.Snooze} puts the job into the
   * scheduled set instead and counts nothing (the job has not finished).
   *
   * @return the reservation that was failed, or empty when {@code jid} holds none
   * @throws StorageException nothing was stored; the reservation is held as before
   */
  Optional<Reservation> fail(String jid, FailureDecision decision);

  /** Moves a reservation's deadline later (never earlier). False when there is no reservation. */
  boolean extendReservation(String jid, Instant until);

  /** Reservations whose deadline is at or before {@code now}, oldest deadline first. */
  List<Reservation> expiredReservations(Instant now, int limit);

  long workingSize();

  /** Current reservations, oldest first, at most {@code limit}. */
  List<Reservation> reservations(int limit);

  // ---------------------------------------------------------------- sorted sets

  /**
   * Adds a job to a set scored by {@code score} (run-at for scheduled/retries, expiry for dead).
   */
  void addToSet(SetName set, Instant score, QueuedJob job);

  /**
   * Adds many entries at once, atomically (all or none), each to its {@link SetEntry#set()} with
   * its score; their {@code seq} is ignored (the store assigns one). For bulk loads (imports,
   * benchmarks): one durable write for the lot instead of one per entry.
   */
  void addAllToSet(List<SetEntry> entries);

  /**
   * Moves up to {@code limit} entries of {@code set} scored at or before {@code now} to the back of
   * their queues, lowest score first, rewriting each payload with {@code restamp} (which sets
   * {@code enqueued_at}). When {@code restamp} returns null the entry is deleted instead of queued
   * (an expired job, dropped when due). Atomic per call.
   *
   * @return how many entries left the set (moved or dropped)
   */
  int enqueueDue(SetName set, Instant now, int limit, UnaryOperator<byte[]> restamp);

  /** Deletes up to {@code limit} entries scored at or before {@code now}; returns how many. */
  int purgeDue(SetName set, Instant now, int limit);

  /** Deletes the lowest-scored entries until at most {@code maxSize} remain; returns how many. */
  int trim(SetName set, long maxSize);

  long setSize(SetName set);

  /**
   * Applies {@code mutation} to every entry of {@code set} that {@code filter} accepts. Walks the
   * set in chunks (memory stays bounded at any set size); entries added while it runs, including
   * those a {@link Mutation.Kill} within the dead set re-adds, are not visited. Each chunk is
   * atomic, the whole call is not.
   *
   * @return how many entries were changed
   */
  int mutate(SetName set, Predicate<SetEntry> filter, Mutation mutation);

  /**
   * Applies {@code mutation} to the entries of {@code set} with these keys; unknown keys (gone
   * meanwhile) are ignored, a key without a sequence acts on the oldest of its twins. Atomic.
   *
   * @return how many entries were changed
   */
  int mutate(SetName set, Collection<SetEntry.Key> keys, Mutation mutation);

  /**
   * Applies {@code mutation} to every entry of {@code set} matching {@code query} (its order is
   * irrelevant), streaming in chunks like {@link #mutate(SetName, Predicate, Mutation)}.
   *
   * @return how many entries were changed
   */
  int mutate(SetName set, SetQuery query, Mutation mutation);

  /**
   * Most entries a filtered {@link #scan(SetName, SetQuery, SetEntry.Key, int)} call examines
   * before it returns what it found; bounds the time of one page at any set size.
   */
  int SCAN_BUDGET = 20_000;

  /**
   * The entries of a set matching {@code query}, in its order, strictly after the cursor {@code
   * after} (null: from the start), at most {@code limit}.
   *
   * <p>Bounded work per call: an unfiltered scan (or one filtered by job type only, on a store that
   * indexes job types) is an index range scan; a scan that must read payloads examines at most
   * {@link #SCAN_BUDGET} entries and then returns what it found, possibly fewer than {@code limit}
   * or none, with a non-null {@link SetPage#next()} to continue from. {@code next} is null only
   * when no entry after the page remains in that direction.
   *
   * @throws IllegalArgumentException when {@code limit} is not positive
   */
  SetPage scan(SetName set, SetQuery query, SetEntry.Key after, int limit);

  /**
   * Entries of a set in ascending order starting after {@code after} (null for the first page):
   * {@code scan(set, SetQuery.ALL, after, limit).entries()}.
   */
  default List<SetEntry> scan(SetName set, SetEntry.Key after, int limit) {
    return scan(set, SetQuery.ALL, after, limit).entries();
  }

  /**
   * The entry with this key: exactly that entry when the key has a sequence (as keys of scanned
   * entries do), else the oldest entry with that score and jid.
   */
  Optional<SetEntry> find(SetName set, SetEntry.Key key);

  // ---------------------------------------------------------------- features with their own tables

  /** One job at a time: delete or move to the front a queued job, find a jid anywhere. */
  dev.fabrik.server.jobs.SingleJobs singleJobs();

  /** The tracking records of jobs pushed with {@code custom.track} (wiped by {@link #flush}). */
  dev.fabrik.server.tracking.TrackStore tracking();

  /** The rows and edges of jobs that wait for other jobs ({@code custom.after}). */
  dev.fabrik.server.workflow.WorkflowStore workflows();

  /**
   * The fates of batch and workflow jobs a FAIL discarded, recorded in that FAIL's transaction (for
   * crash recovery); {@link #flush} wipes them.
   */
  dev.fabrik.server.fate.JobFates fates();

  /**
   * The failure groups of the retries and dead sets, by {@code failure.fingerprint} (triage); kept
   * exact by the store on every path that adds or removes set entries.
   */
  dev.fabrik.server.triage.FailureGroupStore failures();

  // ---------------------------------------------------------------- counters and admin

  Counters counters();

  /** Wipes every job, queue, set, reservation, counter, paused flag, unique lock and batch. */
  void flush();

  /** Bytes the store occupies on disk (0 for memory). */
  long sizeOnDisk();

  /** Flushes and closes; idempotent. Calls after close throw {@link StorageException}. */
  @Override
  void close();

  // ---------------------------------------------------------------- features

  /** Concurrency-limit slots, rate buckets and run-time limit rules (see {@link LimitStore}). */
  LimitStore limits();

  /** Cron's ticks and API entries, kept in this store (see {@link CronStore}). */
  CronStore cron();

  /** Batches and their members (Faktory Enterprise {@code BATCH}); {@link #flush} wipes them. */
  dev.fabrik.server.batch.BatchStore batches();

  /**
   * The job history per type and minute, hour and day (docs/history.md); it survives {@link
   * #flush}.
   */
  dev.fabrik.server.history.JobStatsStore history();

  /**
   * What the server nodes sharing this store share: the node table and the worker records. The
   * server asks once, at construction. A store only one process opens keeps the default: just this
   * node.
   */
  default ClusterStore cluster() {
    return ClusterStore.singleNode();
  }

  /**
   * Background work the store itself needs while a server runs on it (PostgreSQL: folding the
   * sharded count tables). The server starts these before its own services and stops them after,
   * just before it closes the store. None by default.
   */
  default List<Service> services() {
    return List.of();
  }

  /** Told which queue received jobs, so blocked FETCHes can wake. Must not block. */
  @FunctionalInterface
  interface EnqueueListener {
    void enqueued(String queue, int count);
  }
}
