package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.cron.CronStore;
import dev.fabrik.server.limits.LimitStore;
import dev.fabrik.server.storage.CommitObserver;
import dev.fabrik.server.storage.Counters;
import dev.fabrik.server.storage.Durability;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The default, durable store: one SQLite database in WAL mode.
 *
 * <p>Writes go through a {@link GroupCommitWriter} (one platform thread, many ops per commit).
 * FETCH is not a write: every queue is a ring of row ids in a {@link QueueIndex}, reservations are
 * held in memory, and a reserved job's row stays in {@code jobs} until ACK or FAIL removes it, so
 * after a crash it is simply queued again. Reads that need SQLite run on a {@link ReaderPool}.
 */
public final class SqliteStore implements Store {

  /** Default heap spent on payloads of queued jobs; the rest are read back when fetched. */
  public static final long DEFAULT_CACHE_BYTES = 96L << 20;

  private final Path dataDir;
  private final QueueIndex index;
  private final ReservationTable<Long> reservations = new ReservationTable<>();
  private final List<EnqueueListener> listeners = new CopyOnWriteArrayList<>();
  private final GroupCommitWriter writer;
  private final ReaderPool readers;
  private final Checkpointer checkpointer;
  private final JobReads jobReads;
  private final SqliteTrackStore tracking;
  private final SqliteFailureGroups failureGroups;
  private final SqliteLimitStore limits;
  private final SqliteJobFates fates;
  private final SqliteJobStatsStore history;
  private final PassOverReserve passOverReserve;
  private final StorageErrors errors = new StorageErrors();
  private final SqliteUniqueLocks uniqueLocks;
  private final SqliteCronStore cron;
  private final SqliteBatchStore batches;
  private final BatchJoins joins = new BatchJoins();

  private final SqliteWorkflowStore workflows;
  private final SqliteSingleJobs singleJobs;
  private final SqliteSortedSets sets;
  private final SqliteJobOutcomes outcomes;
  private final SqliteQueueAdmin queueAdmin;

  private final ReservationEnds ends = new ReservationEnds(reservations);

  private volatile boolean closed;

  // Owned by the writer thread: queue ids including uncommitted ops of the batch.
  private final Map<String, Long> queueIds;
  private final Map<String, Long> committedQueueIds;
  private long nextJobId;

  private SqliteStore(
      Path dataDir, Durability durability, long cacheBytes, long maxPageCount, WalBudget walBudget)
      throws SQLException {
    this.dataDir = dataDir;
    Path file = dataDir.resolve(Schema.FILE_NAME);
    this.index = new QueueIndex(cacheBytes);
    Connection connection =
        Schema.openWriter(file, durability, maxPageCount, walBudget.configuredBytes());
    Recovery.State state;
    try {
      SqliteCronStore.createTables(connection);
      SqliteWorkflowStore.createTables(connection);

      SqliteLimitStore.createTables(connection);
      SqliteJobFates.createTables(connection);
      SqliteJobStatsStore.createTables(connection);
      state = Recovery.load(connection, index);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    this.queueIds = new HashMap<>(state.queueIds());
    this.committedQueueIds = new HashMap<>(state.queueIds());
    this.nextJobId = state.nextJobId();
    Lock checkpointLock = new ReentrantLock();
    this.writer =
        new GroupCommitWriter(
            WriteQueue.Limits.DEFAULT,
            errors,
            connection,
            dataDir.resolve(Schema.FILE_NAME + "-wal"),
            walBudget,
            checkpointLock,
            index::appendAll,
            this::afterRollback,
            this::notifyListeners);
    this.readers = new ReaderPool(file, 3, errors);
    this.checkpointer = new Checkpointer(file, checkpointLock, errors);
    this.jobReads = new JobReads(index, readers);
    this.uniqueLocks =
        new SqliteUniqueLocks(
            writer, (jobs, entries) -> joins.checked(jobs, entries, pushOp(jobs, entries)));
    this.tracking = new SqliteTrackStore(writer, readers);
    this.failureGroups = new SqliteFailureGroups(writer, readers);
    this.batches = new SqliteBatchStore(writer, readers, jobs -> pushOp(jobs, List.of()), joins);

    this.limits = new SqliteLimitStore(writer, readers);
    this.fates = new SqliteJobFates(writer, readers);
    this.history = new SqliteJobStatsStore(writer, readers);
    this.passOverReserve = new PassOverReserve(index, jobReads, reservations);
    this.sets = new SqliteSortedSets(writer, readers, state, this::insertJob);
    this.outcomes = new SqliteJobOutcomes(sets, state);
    this.queueAdmin = new SqliteQueueAdmin(writer, index, queueIds, committedQueueIds);
    this.singleJobs =
        new SqliteSingleJobs(
            index, writer, readers, reservations, this::notifyListeners, this::ensureOpen);
    this.cron =
        new SqliteCronStore(
            writer,
            readers,
            (tx, queue, jid, payload) -> insertJob(tx, QueuedJob.fromPayload(jid, queue, payload)));
    this.workflows =
        new SqliteWorkflowStore(
            writer,
            readers,
            new SqliteWorkflowStore.Jobs() {
              @Override
              public WriteOp<Void> push(List<QueuedJob> jobs, List<SetEntry> entries) {
                return joins.unchecked(jobs, entries, pushOp(jobs, entries));
              }

              @Override
              public boolean deleteDead(Tx tx, Instant score, String jid) throws SQLException {
                return sets.deleteDead(tx, score, jid);
              }
            });
  }

  /** Opens (creating if needed) {@code <dataDir>/fabrik.db} and recovers its queues. */
  public static SqliteStore open(Path dataDir, Durability durability) {
    return open(dataDir, durability, DEFAULT_CACHE_BYTES, 0);
  }

  /**
   * @param cacheBytes heap for payloads of queued jobs
   * @param maxPageCount caps the database size in pages (tests of a full disk); 0 for no cap
   */
  static SqliteStore open(Path dataDir, Durability durability, long cacheBytes, long maxPageCount) {
    return open(
        dataDir,
        durability,
        cacheBytes,
        maxPageCount,
        dir -> WalBudget.forDirectory(dir, Schema.WAL_LIMIT_BYTES));
  }

  /**
   * @param walBudget the WAL size past which the writer rewinds it, given the data directory
   */
  static SqliteStore open(
      Path dataDir,
      Durability durability,
      long cacheBytes,
      long maxPageCount,
      Function<Path, WalBudget> walBudget) {
    try {
      Files.createDirectories(dataDir);
      return new SqliteStore(
          dataDir, durability, cacheBytes, maxPageCount, walBudget.apply(dataDir));
    } catch (IOException | SQLException e) {
      throw new StorageException("cannot open the SQLite store in " + dataDir, e);
    }
  }

  // ---------------------------------------------------------------- queues

  @Override
  public void enqueue(List<QueuedJob> jobs) {
    ensureOpen();
    if (jobs.isEmpty()) {
      return;
    }
    writer.write(joins.checked(jobs, List.of(), inserts(jobs)), jobs.size(), payloadBytes(jobs));
  }

  @Override
  public CompletableFuture<Void> enqueueAsync(List<QueuedJob> jobs) {
    ensureOpen();
    if (jobs.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return writer.submitAsync(
        joins.checked(jobs, List.of(), inserts(jobs)), jobs.size(), payloadBytes(jobs));
  }

  @Override
  public void push(List<QueuedJob> jobs, List<SetEntry> entries) {
    ensureOpen();
    if (entries.isEmpty()) {
      enqueue(jobs);
      return;
    }
    List<SetEntry> copy = List.copyOf(entries);
    writer.write(
        joins.checked(jobs, copy, pushOp(jobs, copy)),
        jobs.size() + copy.size(),
        payloadBytes(jobs) + SqliteSortedSets.entryBytes(copy));
  }

  /** The write of {@link #push}, which {@link SqliteUniqueLocks} runs inside its own. */
  private WriteOp<Void> pushOp(List<QueuedJob> jobs, List<SetEntry> entries) {
    WriteOp<Void> inserts = inserts(jobs);
    return tx -> {
      inserts.apply(tx);
      sets.addEntries(tx, entries);
      return null;
    };
  }

  @Override
  public UniqueLocks uniqueLocks() {
    return uniqueLocks;
  }

  private static long payloadBytes(List<QueuedJob> jobs) {
    long bytes = 0;
    for (QueuedJob job : jobs) {
      bytes += job.payload().length;
    }
    return bytes;
  }

  private WriteOp<Void> inserts(List<QueuedJob> jobs) {
    return tx -> {
      for (QueuedJob job : jobs) {
        insertJob(tx, job);
      }
      return null;
    };
  }

  /** Inserts a job at the back of its queue; it becomes fetchable when the batch commits. */
  private void insertJob(Tx tx, QueuedJob j) throws SQLException {
    long qid = queueId(tx, j.queue());
    tx.insertJob(
        new JobWrites.Row(j.queue(), nextJobId++, qid, j.jid(), j.payload(), j.priority()));
  }

  private long queueId(Tx tx, String queue) throws SQLException {
    Long qid = queueIds.get(queue);
    if (qid != null) {
      return qid;
    }
    PreparedStatement ps = tx.prepare("INSERT INTO queues(name) VALUES (?) RETURNING id");
    ps.setString(1, queue);
    long id;
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      id = rs.getLong(1);
    }
    queueIds.put(queue, id);
    tx.onCommit(
        () -> {
          committedQueueIds.put(queue, id);
          index.register(queue);
        });
    return id;
  }

  @Override
  public Optional<Reservation> reserve(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
    ensureOpen();
    while (true) {
      QueueIndex.Popped p = index.poll(queues);
      if (p == null) {
        return Optional.empty();
      }
      jobReads.readAheadIfCold(p.queue());
      QueueIndex.Cached job = p.cached() != null ? p.cached() : jobReads.read(p.id());
      if (job == null) {
        continue; // its queue was removed meanwhile
      }
      Reservation r =
          new Reservation(
              job.jid(), p.queue(), job.payload(), wid, now, deadline.apply(job.payload()));
      reservations.add(r, p.id());
      return Optional.of(r);
    }
  }

  /** The limited FETCH: see {@link PassOverReserve}. */
  @Override
  public Optional<Reservation> reserve(
      List<String> queues,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline,
      PassOver passOver) {
    if (passOver.isNothing()) {
      return reserve(queues, wid, now, deadline);
    }
    ensureOpen();
    return passOverReserve.reserve(queues, wid, now, deadline, passOver);
  }

  @Override
  public dev.fabrik.server.jobs.SingleJobs singleJobs() {
    return singleJobs;
  }

  @Override
  public LimitStore limits() {
    return limits;
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
  public void onEnqueued(EnqueueListener listener) {
    listeners.add(listener);
  }

  @Override
  public void onCommit(CommitObserver observer) {
    writer.observe(observer);
  }

  @Override
  public long queueSize(String queue) {
    ensureOpen();
    return index.size(queue);
  }

  @Override
  public Map<String, Long> queueSizes() {
    ensureOpen();
    return index.sizes();
  }

  @Override
  public Optional<byte[]> peek(String queue) {
    List<QueuedJob> head = browse(queue, 0, 1);
    return head.isEmpty() ? Optional.empty() : Optional.of(head.getFirst().payload());
  }

  @Override
  public List<QueuedJob> browse(String queue, long offset, int limit) {
    ensureOpen();
    List<QueuedJob> out = new ArrayList<>();
    for (QueueIndex.Popped p : index.slice(queue, offset, limit)) {
      QueueIndex.Cached job = p.cached() != null ? p.cached() : jobReads.read(p.id());
      if (job != null) { // null: fetched and finished meanwhile
        out.add(QueuedJob.fromPayload(job.jid(), queue, job.payload()));
      }
    }
    return out;
  }

  @Override
  public void pause(Collection<String> queues) {
    ensureOpen();
    queueAdmin.setPaused(queues, true);
  }

  @Override
  public void resume(Collection<String> queues) {
    ensureOpen();
    queueAdmin.setPaused(queues, false);
  }

  @Override
  public void remove(Collection<String> queues) {
    ensureOpen();
    queueAdmin.remove(queues);
  }

  @Override
  public Set<String> pausedQueues() {
    ensureOpen();
    return index.paused();
  }

  // ---------------------------------------------------------------- reservations

  @Override
  public Optional<Reservation> acknowledge(String jid) {
    try {
      return acknowledgeAsync(jid).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  @Override
  public CompletableFuture<Optional<Reservation>> acknowledgeAsync(String jid) {
    ensureOpen();
    return ends.end(jid, held -> writer.submitAsync(outcomes.deletion(held), 1, 0));
  }

  @Override
  public Optional<Reservation> fail(String jid, FailureDecision decision) {
    ensureOpen();
    CompletableFuture<Optional<Reservation>> failed =
        ends.end(
            jid,
            held -> {
              Reservation r = held.reservation();
              FailureDecision.Outcome outcome = decision.decide(r);
              return writer.submitAsync(outcomes.failure(held, outcome), 2, r.payload().length);
            });
    try {
      return failed.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  @Override
  public boolean extendReservation(String jid, Instant until) {
    ensureOpen();
    return reservations.extend(jid, until);
  }

  @Override
  public List<Reservation> expiredReservations(Instant now, int limit) {
    ensureOpen();
    return reservations.expired(now, limit);
  }

  @Override
  public long workingSize() {
    ensureOpen();
    return reservations.size();
  }

  @Override
  public List<Reservation> reservations(int limit) {
    ensureOpen();
    return reservations.list(limit);
  }

  // ---------------------------------------------------------------- sorted sets

  @Override
  public void addToSet(SetName set, Instant score, QueuedJob job) {
    ensureOpen();
    // Checked like a PUSH: a scheduled job of a batch flushed meanwhile is refused.
    writer.write(
        joins.checked(List.of(job), List.of(), sets.addOp(set, score, job)),
        1,
        job.payload().length);
  }

  @Override
  public void addAllToSet(List<SetEntry> entries) {
    ensureOpen();
    sets.addAllToSet(entries);
  }

  @Override
  public int enqueueDue(SetName set, Instant now, int limit, UnaryOperator<byte[]> restamp) {
    ensureOpen();
    return sets.enqueueDue(set, now, limit, restamp);
  }

  @Override
  public int purgeDue(SetName set, Instant now, int limit) {
    ensureOpen();
    return sets.purgeDue(set, now, limit);
  }

  @Override
  public int trim(SetName set, long maxSize) {
    ensureOpen();
    return sets.trim(set, maxSize);
  }

  @Override
  public long setSize(SetName set) {
    ensureOpen();
    return sets.setSize(set);
  }

  @Override
  public int mutate(SetName set, Predicate<SetEntry> filter, Mutation mutation) {
    ensureOpen();
    return sets.mutate(set, filter, mutation);
  }

  @Override
  public int mutate(SetName set, SetQuery query, Mutation mutation) {
    ensureOpen();
    return sets.mutate(set, query, mutation);
  }

  @Override
  public int mutate(SetName set, Collection<SetEntry.Key> keys, Mutation mutation) {
    ensureOpen();
    return sets.mutate(set, keys, mutation);
  }

  @Override
  public SetPage scan(SetName set, SetQuery query, SetEntry.Key after, int limit) {
    ensureOpen();
    return sets.scan(set, query, after, limit);
  }

  @Override
  public Optional<SetEntry> find(SetName set, SetEntry.Key key) {
    ensureOpen();
    return sets.find(set, key);
  }

  // ---------------------------------------------------------------- counters and admin

  @Override
  public Counters counters() {
    ensureOpen();
    return outcomes.counters();
  }

  @Override
  public void flush() {
    ensureOpen();
    writer.write(
        tx -> {
          for (String table : Schema.FLUSHED) {
            tx.prepare("DELETE FROM " + table).executeUpdate();
          }
          tx.prepare("UPDATE counters SET value = 0").executeUpdate();
          tx.resetCounts();
          uniqueLocks.flushed(tx);
          queueIds.clear();
          sets.flushed(tx);
          tx.onCommit(
              () -> {
                committedQueueIds.clear();
                index.clear();
                reservations.clear();
                limits.clearUsage();
                outcomes.reset();
              });
          return null;
        },
        Integer.MAX_VALUE, // as long as it takes: one transaction
        0);
  }

  @Override
  public dev.fabrik.server.workflow.WorkflowStore workflows() {
    return workflows;
  }

  @Override
  public dev.fabrik.server.fate.JobFates fates() {
    return fates;
  }

  @Override
  public dev.fabrik.server.triage.FailureGroupStore failures() {
    return failureGroups;
  }

  @Override
  public dev.fabrik.server.tracking.TrackStore tracking() {
    return tracking;
  }

  @Override
  public dev.fabrik.server.history.JobStatsStore history() {
    return history;
  }

  @Override
  public long sizeOnDisk() {
    ensureOpen();
    return Schema.sizeOnDisk(dataDir);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    checkpointer.close();
    readers.close();
    writer.close(); // last connection: SQLite checkpoints and removes the WAL
    errors.flush();
  }

  /** Writer thread, after a rollback: forget what the failed ops did to the bookkeeping. */
  private void afterRollback() {
    queueIds.clear();
    queueIds.putAll(committedQueueIds);
    if (uniqueLocks != null) { // null only while the store opens
      uniqueLocks.afterRollback();
    }
    if (sets != null) { // null only while the store opens
      sets.afterRollback();
    }
  }

  private void notifyListeners(Map<String, Integer> enqueued) {
    for (EnqueueListener l : listeners) {
      enqueued.forEach(l::enqueued);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("store is closed");
    }
  }
}
