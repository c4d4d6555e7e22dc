package dev.fabrik.server.storage.memory;

import dev.fabrik.server.cron.CronStore;
import dev.fabrik.server.jobs.JobPlace;
import dev.fabrik.server.limits.InProcessLimitStore;
import dev.fabrik.server.limits.LimitStore;
import dev.fabrik.server.storage.Counters;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.PassOver;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.StorageException;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.reservation.ReservationTable;
import dev.fabrik.server.unique.UniqueLocks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A store that keeps everything on the heap: nothing survives a restart. Simple on purpose (one
 * lock around everything); it is the reference the SQLite store is tested against, and the {@code
 * storage = "memory"} option for tests and throwaway servers. Every change is final when its call
 * returns (ACK and FAIL included) and never fails for want of room; a crash takes everything.
 */
public final class MemoryStore implements Store {

  /** Entries one lock hold of a bulk mutation covers. */
  private static final int MUTATE_CHUNK = 1000;

  private final Object lock = new Object();
  private final MemoryUniqueLocks uniqueLocks = new MemoryUniqueLocks(lock, this::push);
  private final LinkedHashMap<String, MemoryQueue> queues = new LinkedHashMap<>();
  private final Set<String> paused = new HashSet<>();
  private final EnumMap<SetName, MemorySet> sets = new EnumMap<>(SetName.class);
  private final ReservationTable<QueuedJob> reservations = new ReservationTable<>();
  private final List<EnqueueListener> listeners = new CopyOnWriteArrayList<>();
  private final MemoryTrackStore tracking = new MemoryTrackStore(this::holdsJob);
  private final MemoryBatchStore batches =
      new MemoryBatchStore(lock, this::enqueue, this::memberWhereabouts, this::holdsJob);

  private final InProcessLimitStore limits = new InProcessLimitStore();
  private final MemoryJobStatsStore history = new MemoryJobStatsStore();
  private final MemoryCronStore cron =
      new MemoryCronStore(
          lock,
          (job, added) -> {
            ensureOpen();
            push(job, added);
          },
          this::notifyListeners);
  private final MemoryJobFates fates = new MemoryJobFates(lock);
  private final MemoryWorkflowStore workflows =
      new MemoryWorkflowStore(
          lock,
          new MemoryWorkflowStore.Jobs() {
            @Override
            public void push(
                List<QueuedJob> jobs, List<SetEntry> entries, Map<String, Integer> added) {
              ensureOpen();
              batches.forgetJoins(jobs);
              jobs.forEach(j -> MemoryStore.this.push(j, added));
              entries.forEach(e -> sets.get(e.set()).add(e));
            }

            @Override
            public boolean deleteDead(Instant score, String jid) {
              SetEntry e = sets.get(SetName.DEAD).find(new SetEntry.Key(score, jid));
              return e != null && sets.get(SetName.DEAD).remove(e);
            }

            @Override
            public void notify(Map<String, Integer> added) {
              notifyListeners(added);
            }
          });
  private final MemorySingleJobs singleJobs =
      new MemorySingleJobs(
          lock, queues, sets, reservations, this::notifyListeners, this::ensureOpen);
  private long processed;
  private long failures;
  private volatile boolean closed;

  private final EnumMap<SetName, MemoryFailureTally> tallies = new EnumMap<>(SetName.class);
  private final MemoryFailureGroups failureGroups = new MemoryFailureGroups(lock, tallies);

  public MemoryStore() {
    MemorySet.SeqSource seqs = new MemorySet.SeqSource();
    for (SetName s : SetName.values()) {
      MemoryFailureTally tally = new MemoryFailureTally(java.time.Clock.systemUTC());
      tallies.put(s, tally);
      sets.put(s, new MemorySet(seqs, tally));
    }
  }

  @Override
  public dev.fabrik.server.triage.FailureGroupStore failures() {
    return failureGroups;
  }

  // ---------------------------------------------------------------- queues

  @Override
  public void enqueue(List<QueuedJob> jobs) {
    Map<String, Integer> added = new LinkedHashMap<>();
    synchronized (lock) {
      ensureOpen();
      batches.checkMembers(jobs, List.of());
      for (QueuedJob job : jobs) {
        push(job, added);
      }
    }
    notifyListeners(added);
  }

  @Override
  public void push(List<QueuedJob> jobs, List<SetEntry> entries) {
    Map<String, Integer> added = new LinkedHashMap<>();
    synchronized (lock) {
      ensureOpen();
      batches.checkMembers(jobs, entries);
      for (QueuedJob job : jobs) {
        push(job, added);
      }
      for (SetEntry e : entries) {
        sets.get(e.set()).add(e);
      }
    }
    notifyListeners(added);
  }

  @Override
  public UniqueLocks uniqueLocks() {
    return uniqueLocks;
  }

  @Override
  public dev.fabrik.server.jobs.SingleJobs singleJobs() {
    return singleJobs;
  }

  @Override
  public dev.fabrik.server.batch.BatchStore batches() {
    return batches;
  }

  @Override
  public CronStore cron() {
    return cron;
  }

  @Override
  public Optional<Reservation> reserve(
      List<String> names, String wid, Instant now, Function<byte[], Instant> deadline) {
    synchronized (lock) {
      ensureOpen();
      for (String name : names) {
        MemoryQueue q = queues.get(name);
        if (q != null && !q.isEmpty()) {
          QueuedJob job = q.pollFirst();
          Reservation r =
              new Reservation(
                  job.jid(), name, job.payload(), wid, now, deadline.apply(job.payload()));
          reservations.add(r, job);
          return Optional.of(r);
        }
      }
      return Optional.empty();
    }
  }

  @Override
  public Optional<Reservation> reserve(
      List<String> names,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline,
      PassOver passOver) {
    if (passOver.isNothing()) {
      return reserve(names, wid, now, deadline);
    }
    synchronized (lock) {
      ensureOpen();
      for (String name : names) {
        MemoryQueue q = queues.get(name);
        QueuedJob job = q == null ? null : q.pollFirstPassing(passOver::skips, PassOver.SCAN_LIMIT);
        if (job != null) {
          Reservation r =
              new Reservation(
                  job.jid(), name, job.payload(), wid, now, deadline.apply(job.payload()));
          reservations.add(r, job);
          return Optional.of(r);
        }
      }
      return Optional.empty();
    }
  }

  @Override
  public LimitStore limits() {
    return limits;
  }

  @Override
  public dev.fabrik.server.history.JobStatsStore history() {
    return history;
  }

  @Override
  public void onEnqueued(EnqueueListener listener) {
    listeners.add(listener);
  }

  @Override
  public long queueSize(String queue) {
    synchronized (lock) {
      ensureOpen();
      MemoryQueue q = queues.get(queue);
      return q == null ? 0 : q.size();
    }
  }

  @Override
  public Map<String, Long> queueSizes() {
    synchronized (lock) {
      ensureOpen();
      Map<String, Long> out = new TreeMap<>();
      queues.forEach((name, q) -> out.put(name, (long) q.size()));
      return out;
    }
  }

  @Override
  public Optional<byte[]> peek(String queue) {
    synchronized (lock) {
      ensureOpen();
      MemoryQueue q = queues.get(queue);
      return q == null || q.isEmpty() ? Optional.empty() : Optional.of(q.peekFirst().payload());
    }
  }

  @Override
  public List<QueuedJob> browse(String queue, long offset, int limit) {
    synchronized (lock) {
      ensureOpen();
      MemoryQueue q = queues.get(queue);
      return q == null ? new ArrayList<>() : q.slice(offset, limit);
    }
  }

  @Override
  public void pause(Collection<String> names) {
    synchronized (lock) {
      ensureOpen();
      for (String name : names) {
        if (queues.containsKey(name)) {
          paused.add(name);
        }
      }
    }
  }

  @Override
  public void resume(Collection<String> names) {
    synchronized (lock) {
      ensureOpen();
      paused.removeAll(names);
    }
  }

  @Override
  public void remove(Collection<String> names) {
    synchronized (lock) {
      ensureOpen();
      for (String name : names) {
        queues.remove(name);
        paused.remove(name);
      }
    }
  }

  @Override
  public Set<String> pausedQueues() {
    synchronized (lock) {
      ensureOpen();
      return Set.copyOf(paused);
    }
  }

  // ---------------------------------------------------------------- reservations

  @Override
  public Optional<Reservation> acknowledge(String jid) {
    synchronized (lock) {
      ensureOpen();
      ReservationTable.Held<QueuedJob> held = reservations.take(jid);
      if (held == null) {
        return Optional.empty();
      }
      processed++;
      return Optional.of(held.reservation());
    }
  }

  @Override
  public Optional<Reservation> fail(String jid, FailureDecision decision) {
    synchronized (lock) {
      ensureOpen();
      ReservationTable.Held<QueuedJob> held = reservations.take(jid);
      if (held == null) {
        return Optional.empty();
      }
      Reservation r = held.reservation();
      FailureDecision.Outcome outcome;
      try {
        outcome = decision.decide(r);
      } catch (RuntimeException e) {
        reservations.restore(held);
        throw e;
      }
      switch (outcome) {
        case FailureDecision.Retry retry ->
            sets.get(SetName.RETRIES)
                .add(new SetEntry(SetName.RETRIES, retry.at(), jid, r.queue(), retry.payload()));
        case FailureDecision.Dead dead ->
            sets.get(SetName.DEAD)
                .add(new SetEntry(SetName.DEAD, dead.expiresAt(), jid, r.queue(), dead.payload()));
        case FailureDecision.Discard discard -> fates.record(jid, discard);
        case FailureDecision.Snooze snooze -> {
          sets.get(SetName.SCHEDULED)
              .add(
                  new SetEntry(
                      SetName.SCHEDULED, snooze.until(), jid, r.queue(), snooze.payload()));
          return Optional.of(r);
        }
      }
      processed++;
      failures++;
      return Optional.of(r);
    }
  }

  @Override
  public boolean extendReservation(String jid, Instant until) {
    synchronized (lock) {
      ensureOpen();
      return reservations.extend(jid, until);
    }
  }

  @Override
  public List<Reservation> expiredReservations(Instant now, int limit) {
    synchronized (lock) {
      ensureOpen();
      return reservations.expired(now, limit);
    }
  }

  @Override
  public long workingSize() {
    synchronized (lock) {
      ensureOpen();
      return reservations.size();
    }
  }

  @Override
  public List<Reservation> reservations(int limit) {
    synchronized (lock) {
      ensureOpen();
      return reservations.list(limit);
    }
  }

  // ---------------------------------------------------------------- sorted sets

  @Override
  public void addToSet(SetName set, Instant score, QueuedJob job) {
    synchronized (lock) {
      ensureOpen();
      batches.checkMembers(List.of(job), List.of());
      sets.get(set).add(new SetEntry(set, score, job.jid(), job.queue(), job.payload()));
    }
  }

  @Override
  public void addAllToSet(List<SetEntry> entries) {
    synchronized (lock) {
      ensureOpen();
      for (SetEntry e : entries) {
        sets.get(e.set()).add(e);
      }
    }
  }

  @Override
  public int enqueueDue(SetName set, Instant now, int limit, UnaryOperator<byte[]> restamp) {
    Map<String, Integer> added = new LinkedHashMap<>();
    int moved;
    synchronized (lock) {
      ensureOpen();
      List<SetEntry> due = sets.get(set).pollDue(now, limit);
      for (SetEntry e : due) {
        byte[] payload = restamp.apply(e.payload());
        if (payload != null) {
          push(QueuedJob.fromPayload(e.jid(), e.queue(), payload), added);
        }
      }
      moved = due.size();
    }
    notifyListeners(added);
    return moved;
  }

  @Override
  public int purgeDue(SetName set, Instant now, int limit) {
    synchronized (lock) {
      ensureOpen();
      return sets.get(set).pollDue(now, limit).size();
    }
  }

  @Override
  public int trim(SetName set, long maxSize) {
    synchronized (lock) {
      ensureOpen();
      return sets.get(set).trim(maxSize);
    }
  }

  @Override
  public long setSize(SetName set) {
    synchronized (lock) {
      ensureOpen();
      return sets.get(set).size();
    }
  }

  @Override
  public int mutate(SetName set, Predicate<SetEntry> filter, Mutation mutation) {
    return mutateInChunks(
        set, (m, after, maxSeq) -> m.scan(after, MUTATE_CHUNK, maxSeq, filter), mutation);
  }

  @Override
  public int mutate(SetName set, SetQuery query, Mutation mutation) {
    SetQuery ascending = query.withDescending(false);
    return mutateInChunks(
        set, (m, after, maxSeq) -> m.scan(ascending, after, MUTATE_CHUNK, maxSeq), mutation);
  }

  /** One chunk of entries to mutate, read under the lock. */
  @FunctionalInterface
  private interface ChunkReader {
    SetPage read(MemorySet set, SetEntry.Key after, long maxSeq);
  }

  /**
   * Mutates chunk by chunk, releasing the lock in between so FETCH and PUSH go on during a mutation
   * of a big set; entries added after the start (higher sequences) are not visited.
   */
  private int mutateInChunks(SetName set, ChunkReader reader, Mutation mutation) {
    int changed = 0;
    long maxSeq;
    synchronized (lock) {
      ensureOpen();
      maxSeq = sets.get(set).lastSeq();
    }
    SetEntry.Key after = null;
    do {
      Map<String, Integer> added = new LinkedHashMap<>();
      synchronized (lock) {
        ensureOpen();
        SetPage page = reader.read(sets.get(set), after, maxSeq);
        for (SetEntry e : page.entries()) {
          changed += apply(set, e, mutation, added) ? 1 : 0;
        }
        after = page.next();
      }
      notifyListeners(added);
    } while (after != null);
    return changed;
  }

  @Override
  public int mutate(SetName set, Collection<SetEntry.Key> keys, Mutation mutation) {
    Map<String, Integer> added = new LinkedHashMap<>();
    int changed = 0;
    synchronized (lock) {
      ensureOpen();
      for (SetEntry.Key key : keys) {
        SetEntry e = sets.get(set).find(key);
        if (e != null && apply(set, e, mutation, added)) {
          changed++;
        }
      }
    }
    notifyListeners(added);
    return changed;
  }

  /** Removes {@code entry} from {@code set} and does what {@code mutation} says; under the lock. */
  private boolean apply(
      SetName set, SetEntry entry, Mutation mutation, Map<String, Integer> added) {
    if (!sets.get(set).remove(entry)) {
      return false;
    }
    switch (mutation) {
      case Mutation.Delete d -> {}
      case Mutation.Kill kill ->
          sets.get(SetName.DEAD)
              .add(
                  new SetEntry(
                      SetName.DEAD, kill.expiresAt(), entry.jid(), entry.queue(), entry.payload()));
      case Mutation.Requeue r ->
          push(QueuedJob.fromPayload(entry.jid(), entry.queue(), entry.payload()), added);
    }
    return true;
  }

  @Override
  public SetPage scan(SetName set, SetQuery query, SetEntry.Key after, int limit) {
    synchronized (lock) {
      ensureOpen();
      return sets.get(set).scan(query, after, limit, Long.MAX_VALUE);
    }
  }

  @Override
  public Optional<SetEntry> find(SetName set, SetEntry.Key key) {
    synchronized (lock) {
      ensureOpen();
      return Optional.ofNullable(sets.get(set).find(key));
    }
  }

  // ---------------------------------------------------------------- counters and admin

  @Override
  public Counters counters() {
    synchronized (lock) {
      ensureOpen();
      return new Counters(processed, failures);
    }
  }

  @Override
  public void flush() {
    synchronized (lock) {
      ensureOpen();
      queues.clear();
      paused.clear();
      sets.values().forEach(MemorySet::clear);
      reservations.clear();
      uniqueLocks.clear();
      workflows.clear();
      fates.clear();
      processed = 0;
      failures = 0;
      // Under the lock: a PUSH checks its membership and stores its job under it (checkMembers).
      batches.clear();
    }
    tracking.clear();
    limits.clearUsage();
  }

  @Override
  public dev.fabrik.server.fate.JobFates fates() {
    return fates;
  }

  @Override
  public dev.fabrik.server.workflow.WorkflowStore workflows() {
    return workflows;
  }

  /** Whether {@code jid} is queued, reserved, in a set or held by a workflow. */
  private boolean holdsJob(String jid) {
    synchronized (lock) {
      return !singleJobs.find(jid, 1).isEmpty()
          || workflows
              .row(jid)
              .filter(r -> r.state() == dev.fabrik.server.workflow.WorkflowState.HELD)
              .isPresent();
    }
  }

  /**
   * What the job tables say of a batch member's job, all read under the store's lock (one
   * snapshot): failed when it is retrying, dead or was discarded, pending when it still waits
   * anywhere, succeeded when it is nowhere.
   */
  private dev.fabrik.server.batch.MemberState memberWhereabouts(String jid) {
    synchronized (lock) {
      boolean failedRun =
          fates.discardedAt(jid).isPresent()
              || singleJobs.find(jid, Integer.MAX_VALUE).stream()
                  .anyMatch(
                      p -> p instanceof JobPlace.InSet s && s.entry().set() != SetName.SCHEDULED);
      if (failedRun) {
        return dev.fabrik.server.batch.MemberState.FAILED;
      }
      return holdsJob(jid)
          ? dev.fabrik.server.batch.MemberState.PENDING
          : dev.fabrik.server.batch.MemberState.SUCCEEDED;
    }
  }

  @Override
  public dev.fabrik.server.tracking.TrackStore tracking() {
    return tracking;
  }

  @Override
  public long sizeOnDisk() {
    ensureOpen();
    return 0;
  }

  @Override
  public void close() {
    closed = true;
  }

  private void push(QueuedJob job, Map<String, Integer> added) {
    queues.computeIfAbsent(job.queue(), k -> new MemoryQueue()).addLast(job);
    added.merge(job.queue(), 1, Integer::sum);
  }

  private void notifyListeners(Map<String, Integer> added) {
    if (added.isEmpty()) {
      return;
    }
    for (EnqueueListener l : listeners) {
      added.forEach(l::enqueued);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("store is closed");
    }
  }
}
