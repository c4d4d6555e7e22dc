package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.cron.CronStore;
import dev.fabrik.server.storage.Counters;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.tracking.TrackStore;
import dev.fabrik.server.unique.UniqueLocks;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The store on PostgreSQL, shared by any number of server nodes (see docs/operations.md). WORK IN
 * PROGRESS: the skeleton the PostgreSQL store is being built on; every method still to be written
 * throws.
 */
public final class PostgresStore implements Store {
  private final PgDatabase db;
  private final PgInserts inserts;
  private final PgSets sets;
  private final PgUniqueLocks uniqueLocks;
  private final PgTrackStore tracking;
  private final PgCronStore cron;

  private PostgresStore(PgDatabase db) {
    this.db = db;
    this.inserts = new PgInserts(db);
    this.sets = new PgSets(db, inserts, this::enqueued);
    this.uniqueLocks = new PgUniqueLocks(db, inserts, this::enqueued);
    this.tracking = new PgTrackStore(db);
    this.cron = new PgCronStore(db, inserts, this::enqueued);
  }

  /** Opens the store on a migrated schema; closing the store closes {@code db}. */
  public static PostgresStore open(PgDatabase db) {
    PgMigrations.run(db);
    return new PostgresStore(db);
  }

  /** Jobs became fetchable in {@code queue} through this node (tells the local listeners). */
  private void enqueued(String queue, int count) {
    throw new UnsupportedOperationException("not yet");
  }

  private static UnsupportedOperationException todo() {
    return new UnsupportedOperationException("PostgreSQL store: not yet");
  }

  @Override
  public void enqueue(List<QueuedJob> jobs) {
    throw todo();
  }

  @Override
  public void push(List<QueuedJob> jobs, List<SetEntry> entries) {
    throw todo();
  }

  @Override
  public Optional<Reservation> reserve(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
    throw todo();
  }

  @Override
  public void onEnqueued(EnqueueListener listener) {
    throw todo();
  }

  @Override
  public long queueSize(String queue) {
    throw todo();
  }

  @Override
  public Map<String, Long> queueSizes() {
    throw todo();
  }

  @Override
  public Optional<byte[]> peek(String queue) {
    throw todo();
  }

  @Override
  public List<QueuedJob> browse(String queue, long offset, int limit) {
    throw todo();
  }

  @Override
  public void pause(Collection<String> queues) {
    throw todo();
  }

  @Override
  public void resume(Collection<String> queues) {
    throw todo();
  }

  @Override
  public void remove(Collection<String> queues) {
    throw todo();
  }

  @Override
  public Set<String> pausedQueues() {
    throw todo();
  }

  @Override
  public UniqueLocks uniqueLocks() {
    return uniqueLocks;
  }

  @Override
  public Optional<Reservation> acknowledge(String jid) {
    throw todo();
  }

  @Override
  public Optional<Reservation> fail(String jid, FailureDecision decision) {
    throw todo();
  }

  @Override
  public boolean extendReservation(String jid, Instant until) {
    throw todo();
  }

  @Override
  public List<Reservation> expiredReservations(Instant now, int limit) {
    throw todo();
  }

  @Override
  public long workingSize() {
    throw todo();
  }

  @Override
  public List<Reservation> reservations(int limit) {
    throw todo();
  }

  @Override
  public void addToSet(SetName set, Instant score, QueuedJob job) {
    sets.add(set, score, job);
  }

  @Override
  public void addAllToSet(List<SetEntry> entries) {
    sets.addAll(entries);
  }

  @Override
  public int enqueueDue(SetName set, Instant now, int limit, UnaryOperator<byte[]> restamp) {
    return sets.enqueueDue(set, now, limit, restamp);
  }

  @Override
  public int purgeDue(SetName set, Instant now, int limit) {
    return sets.purgeDue(set, now, limit);
  }

  @Override
  public int trim(SetName set, long maxSize) {
    return sets.trim(set, maxSize);
  }

  @Override
  public long setSize(SetName set) {
    return sets.size(set);
  }

  @Override
  public int mutate(SetName set, Predicate<SetEntry> filter, Mutation mutation) {
    return sets.mutate(set, filter, mutation);
  }

  @Override
  public int mutate(SetName set, Collection<SetEntry.Key> keys, Mutation mutation) {
    return sets.mutate(set, keys, mutation);
  }

  @Override
  public int mutate(SetName set, SetQuery query, Mutation mutation) {
    return sets.mutate(set, query, mutation);
  }

  @Override
  public SetPage scan(SetName set, SetQuery query, SetEntry.Key after, int limit) {
    return sets.scan(set, query, after, limit);
  }

  @Override
  public Optional<SetEntry> find(SetName set, SetEntry.Key key) {
    return sets.find(set, key);
  }

  @Override
  public TrackStore tracking() {
    return tracking;
  }

  @Override
  public Counters counters() {
    throw todo();
  }

  @Override
  public void flush() {
    throw todo();
  }

  @Override
  public long sizeOnDisk() {
    throw todo();
  }

  @Override
  public void close() {
    db.close();
  }

  @Override
  public CronStore cron() {
    return cron;
  }
}
