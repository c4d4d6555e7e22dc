package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.cluster.ClusterStore;
import dev.fabrik.server.cron.CronStore;
import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.limits.LimitStore;
import dev.fabrik.server.storage.CommitObserver;
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
import dev.fabrik.server.tracking.TrackStore;
import dev.fabrik.server.unique.UniqueLocks;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The store on PostgreSQL, shared by any number of server nodes (see docs/operations.md): every
 * piece of state is in the database, and every change is one statement or one transaction whose row
 * locks decide races between nodes ({@code FOR UPDATE SKIP LOCKED} claims, {@code DELETE ...
 * RETURNING} acks, per-backend sharded counts). Nothing in this process decides a race.
 *
 * <p>Queues and reservations are rows of {@code jobs} ({@link PgQueues}, {@link PgReservations});
 * the sets are {@link PgSets}; the job options' tables have their own classes. Local FETCHes wake
 * through {@link #onEnqueued} right after this node's commits; other nodes' commits reach them
 * through the NOTIFY the jobs table's trigger sends.
 */
public final class PostgresStore implements Store {

  /**
   * What {@link #flush} wipes, when the table exists (the job options' tables arrive with V2).
   * Cron's tables and the cluster's node registry survive a flush, as cron does on SQLite; batches
   * do not (their members were jobs).
   */
  private static final List<String> FLUSHED =
      List.of(
          "jobs",
          "set_entries",
          "queues",
          "counters",
          "queue_counts",
          "set_counts",
          "unique_locks",
          "job_tracking",
          "workflow_jobs",
          "workflow_edges",
          "limit_slots",
          "limit_rates",
          "batches",
          "batch_members",
          "failure_groups",
          "failure_group_types",
          "job_fates");

  /**
   * Group-commit writers per node: while one waits for its WAL flush, another fills the next batch.
   * Two suit a small database machine; the pool needs at least this many connections.
   */
  private static final int WRITER_THREADS = 2;

  /**
   * Threads serving batched FETCHes ({@link PgFetchBatcher}): one answers the FETCHes its last
   * claim got while the other's claim runs (one claim at a time). Each holds a pool connection
   * while it claims.
   */
  private static final int RESERVER_THREADS = 2;

  private final PgDatabase db;
  private final PgInserts inserts;
  private final PgQueues queues;
  private final PgPausedCache paused;
  private final PgReservations reservations;
  private final PgFetchBatcher fetches;
  private final PgShardFoldingService folding;
  private final PgSets sets;
  private final PgUniqueLocks uniqueLocks;
  private final PgTrackStore tracking;
  private final PgFailureGroups failureGroups;
  private final PgLimitStore limits;
  private final PgJobFates fates;
  private final PgJobStatsStore history;
  private final PgPassOverFetch passOverFetch;
  private final PgCronStore cron;
  private final PgBatchStore batches;

  private final PgWorkflowStore workflows;
  private final PgSingleJobs singleJobs;
  private final List<EnqueueListener> listeners = new CopyOnWriteArrayList<>();
  private final List<EnqueueListener> elsewhere = new CopyOnWriteArrayList<>();
  private final PgGroupCommit writes;
  private final PgBatchJoins joins;
  private final ClusterStore cluster;
  private final PgWakeups wakeups;
  private final String counters;
  private volatile boolean closed;

  private PostgresStore(PgDatabase db, boolean listen) {
    this(db, listen, false);
  }

  private PostgresStore(PgDatabase db, boolean listen, boolean durableAcks) {
    this.db = db;
    this.inserts = new PgInserts(db);
    this.queues = new PgQueues(db);
    this.paused = new PgPausedCache(queues::paused, Duration.ofSeconds(1), System::nanoTime);
    this.reservations = new PgReservations(db, inserts);
    this.fetches = new PgFetchBatcher(reservations::claimBatch, RESERVER_THREADS);
    this.folding = new PgShardFoldingService(new PgShardFolding(db), PgShardFoldingService.PERIOD);
    this.sets = new PgSets(db, inserts, this::enqueued);
    this.joins = new PgBatchJoins(db, System::nanoTime);
    this.uniqueLocks = new PgUniqueLocks(db, inserts, joins, this::enqueued);
    this.tracking = new PgTrackStore(db);
    this.failureGroups = new PgFailureGroups(db);
    this.batches = new PgBatchStore(db, inserts, joins, this::enqueued);

    this.limits = new PgLimitStore(db);
    this.fates = new PgJobFates(db);
    this.history = new PgJobStatsStore(db);
    this.passOverFetch = new PgPassOverFetch(db);
    this.cron = new PgCronStore(db, inserts, this::enqueued);
    this.workflows = new PgWorkflowStore(db, inserts, this::enqueued);
    this.singleJobs = new PgSingleJobs(db);
    this.counters = db.sql("SELECT name, sum(value) FROM {s}.counters GROUP BY name");
    this.writes =
        new PgGroupCommit(
            db, inserts, new PgAcks(db, durableAcks), joins, this::enqueued, WRITER_THREADS);
    this.cluster = new ClusterStore(new PgNodeStore(db), new PgSharedWorkers(db));
    // Jobs stored through other nodes (or by applications in SQL) wake this node's FETCHes.
    this.wakeups =
        listen
            ? PgWakeups.start(
                db,
                (queue, n) -> elsewhere.forEach(l -> l.enqueued(queue, n)),
                Duration.ofSeconds(1))
            : null;
  }

  /** Opens the store on a migrated schema; closing the store closes {@code db}. */
  public static PostgresStore open(PgDatabase db) {
    return open(db, false);
  }

  /**
   * @param durableAcks true: ACKs commit synchronously ({@code [postgres] ack_commit = "sync"});
   *     false: without waiting for the WAL flush (see PgAcks)
   */
  public static PostgresStore open(PgDatabase db, boolean durableAcks) {
    PgMigrations.run(db);
    return new PostgresStore(db, true, durableAcks);
  }

  /**
   * A store whose listeners hear only of this store's own commits (no LISTEN thread): for the
   * storage contract, which counts listener calls exactly. The LISTEN thread also reports other
   * nodes' jobs, the echo of this node's, and its poll's safety-net wake-ups (PgWakeupsTest).
   */
  static PostgresStore openWithoutListening(PgDatabase db) {
    return openWithoutListening(db, false);
  }

  static PostgresStore openWithoutListening(PgDatabase db, boolean durableAcks) {
    PgMigrations.run(db);
    return new PostgresStore(db, false, durableAcks);
  }

  /** The group commit of PUSH and ACK (for tests that look inside its transactions). */
  PgGroupCommit writes() {
    return writes;
  }

  /** The database and schema this store works in (for tests and the cluster's own tables). */
  PgDatabase database() {
    return db;
  }

  /** The schema this store works in. */
  public String schema() {
    return db.schema();
  }

  /** Jobs became fetchable in {@code queue} through this node (tells the local listeners). */
  private void enqueued(String queue, int count) {
    for (EnqueueListener l : listeners) {
      l.enqueued(queue, count);
    }
  }

  // ---------------------------------------------------------------- queues

  @Override
  public void enqueue(List<QueuedJob> jobs) {
    push(jobs, List.of());
  }

  @Override
  public CompletableFuture<Void> enqueueAsync(List<QueuedJob> jobs) {
    ensureOpen();
    if (jobs.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return writes.push(jobs, List.of());
  }

  @Override
  public void push(List<QueuedJob> jobs, List<SetEntry> entries) {
    ensureOpen();
    if (jobs.isEmpty() && entries.isEmpty()) {
      return;
    }
    join(writes.push(jobs, entries));
  }

  @Override
  public void onCommit(CommitObserver observer) {
    writes.observe(observer);
  }

  private static <T> T join(CompletableFuture<T> write) {
    try {
      return write.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  @Override
  public Optional<Reservation> reserve(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
    ensureOpen();
    return fetches.reserve(queues, wid, now, deadline);
  }

  @Override
  public CompletableFuture<Optional<Reservation>> reserveAsync(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
    ensureOpen();
    return fetches.reserveAsync(queues, wid, now, deadline);
  }

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
    return passOverFetch.reserve(queues, wid, now, deadline, passOver);
  }

  @Override
  public boolean unreserve(Reservation reservation) {
    ensureOpen();
    return passOverFetch.unreserve(reservation);
  }

  @Override
  public LimitStore limits() {
    return limits;
  }

  /** FETCH is a statement on the database: the event loop hands it to a thread of its own. */
  @Override
  public boolean reserveWaitsForIo() {
    return true;
  }

  @Override
  public void onEnqueued(EnqueueListener listener) {
    listeners.add(listener);
  }

  @Override
  public long queueSize(String queue) {
    ensureOpen();
    return queues.size(queue);
  }

  @Override
  public Map<String, Long> queueSizes() {
    ensureOpen();
    return queues.sizes();
  }

  @Override
  public Optional<byte[]> peek(String queue) {
    ensureOpen();
    return queues.peek(queue);
  }

  @Override
  public dev.fabrik.server.jobs.SingleJobs singleJobs() {
    return singleJobs;
  }

  @Override
  public List<QueuedJob> browse(String queue, long offset, int limit) {
    ensureOpen();
    return queues.browse(queue, offset, limit);
  }

  @Override
  public void pause(Collection<String> names) {
    ensureOpen();
    queues.setPaused(names, true);
    paused.invalidate();
  }

  @Override
  public void resume(Collection<String> names) {
    ensureOpen();
    queues.setPaused(names, false);
    paused.invalidate();
  }

  @Override
  public void remove(Collection<String> names) {
    ensureOpen();
    queues.remove(names);
    paused.invalidate();
  }

  /**
   * A cached copy ({@link PgPausedCache}): this node's own changes show at once, other nodes'
   * within about 1 s.
   */
  @Override
  public Set<String> pausedQueues() {
    ensureOpen();
    return paused.paused();
  }

  @Override
  public UniqueLocks uniqueLocks() {
    return uniqueLocks;
  }

  // ---------------------------------------------------------------- reservations

  @Override
  public Optional<Reservation> acknowledge(String jid) {
    return join(acknowledgeAsync(jid));
  }

  @Override
  public CompletableFuture<Optional<Reservation>> acknowledgeAsync(String jid) {
    ensureOpen();
    return writes.acknowledge(jid);
  }

  @Override
  public Optional<Reservation> fail(String jid, FailureDecision decision) {
    ensureOpen();
    return reservations.fail(jid, decision);
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
    return reservations.workingSize();
  }

  @Override
  public List<Reservation> reservations(int limit) {
    ensureOpen();
    return reservations.oldestFirst(limit);
  }

  // ---------------------------------------------------------------- sorted sets

  @Override
  public void addToSet(SetName set, Instant score, QueuedJob job) {
    ensureOpen();
    if (joins.noted(job.jid())) {
      // A scheduled PUSH into a batch: stored by the group commit, which checks its membership.
      join(
          writes.push(
              List.of(), List.of(new SetEntry(set, score, job.jid(), job.queue(), job.payload()))));
      return;
    }
    sets.add(set, score, job);
  }

  @Override
  public void addAllToSet(List<SetEntry> entries) {
    ensureOpen();
    sets.addAll(entries);
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
    return sets.size(set);
  }

  @Override
  public int mutate(SetName set, Predicate<SetEntry> filter, Mutation mutation) {
    ensureOpen();
    return sets.mutate(set, filter, mutation);
  }

  @Override
  public int mutate(SetName set, Collection<SetEntry.Key> keys, Mutation mutation) {
    ensureOpen();
    return sets.mutate(set, keys, mutation);
  }

  @Override
  public int mutate(SetName set, SetQuery query, Mutation mutation) {
    ensureOpen();
    return sets.mutate(set, query, mutation);
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

  @Override
  public dev.fabrik.server.fate.JobFates fates() {
    return fates;
  }

  @Override
  public dev.fabrik.server.workflow.WorkflowStore workflows() {
    return workflows;
  }

  @Override
  public dev.fabrik.server.triage.FailureGroupStore failures() {
    return failureGroups;
  }

  @Override
  public TrackStore tracking() {
    return tracking;
  }

  @Override
  public dev.fabrik.server.history.JobStatsStore history() {
    return history;
  }

  // ---------------------------------------------------------------- counters and admin

  @Override
  public Counters counters() {
    ensureOpen();
    return PgWork.autocommit(
        db,
        c -> {
          long processed = 0;
          long failures = 0;
          try (PreparedStatement p = c.prepareStatement(counters);
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              switch (rs.getString(1)) {
                case "processed" -> processed = rs.getLong(2);
                case "failures" -> failures = rs.getLong(2);
                default -> {}
              }
            }
          }
          return new Counters(processed, failures);
        });
  }

  /**
   * TRUNCATE of every flushed table in one transaction: instant at any size, and the sharded counts
   * go with the rows they counted. It waits for the other nodes' transactions on these tables to
   * end (ACCESS EXCLUSIVE), which is what a flush means.
   *
   * <pre>TRUNCATE fabrik.jobs, fabrik.set_entries, fabrik.queues, ... </pre>
   */
  @Override
  public void flush() {
    ensureOpen();
    PgWork.transaction(
        db,
        c -> {
          List<String> present = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT table_name FROM information_schema.tables"
                      + " WHERE table_schema = ? AND table_name = ANY(?::text[])")) {
            p.setString(1, db.schema());
            p.setArray(2, c.createArrayOf("text", FLUSHED.toArray(String[]::new)));
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                present.add(db.schema() + "." + rs.getString(1));
              }
            }
          }
          try (Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + String.join(", ", present));
          }
          return null;
        });
    paused.invalidate();
  }

  /** Tables, their indexes and TOAST of this schema (not the database's other schemas). */
  @Override
  public long sizeOnDisk() {
    ensureOpen();
    return PgWork.autocommit(
        db,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                      + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                      + " WHERE n.nspname = ? AND c.relkind IN ('r', 'm')")) {
            p.setString(1, db.schema());
            try (ResultSet rs = p.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (wakeups != null) {
      wakeups.close();
    }
    fetches.close();
    writes.close();
    db.close();
  }

  @Override
  public dev.fabrik.server.batch.BatchStore batches() {
    return batches;
  }

  @Override
  public CronStore cron() {
    return cron;
  }

  /** Whether LISTEN is in place (tests wait for it before counting on a cross-node wake-up). */
  boolean listening() {
    return wakeups != null && wakeups.listening();
  }

  @Override
  public void onEnqueuedElsewhere(EnqueueListener listener) {
    elsewhere.add(listener);
  }

  @Override
  public ClusterStore cluster() {
    return cluster;
  }

  @Override
  public List<Service> services() {
    return List.of(folding);
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("store is closed");
    }
  }
}
