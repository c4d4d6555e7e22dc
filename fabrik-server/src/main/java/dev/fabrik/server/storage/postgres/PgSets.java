package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** The scheduled, retries and dead sets in {@code {s}.set_entries}. WORK IN PROGRESS. */
final class PgSets {
  private final PgDatabase db;
  private final PgInserts inserts;
  private final BiConsumer<String, Integer> enqueued;

  /**
   * @param enqueued told (queue, count) after a commit moved jobs from a set into a queue
   */
  PgSets(PgDatabase db, PgInserts inserts, BiConsumer<String, Integer> enqueued) {
    this.db = db;
    this.inserts = inserts;
    this.enqueued = enqueued;
  }

  private static UnsupportedOperationException todo() {
    return new UnsupportedOperationException("PostgreSQL sets: not yet");
  }

  void add(SetName set, Instant score, QueuedJob job) {
    throw todo();
  }

  void addAll(List<SetEntry> entries) {
    throw todo();
  }

  int enqueueDue(SetName set, Instant now, int limit, UnaryOperator<byte[]> restamp) {
    throw todo();
  }

  int purgeDue(SetName set, Instant now, int limit) {
    throw todo();
  }

  int trim(SetName set, long maxSize) {
    throw todo();
  }

  long size(SetName set) {
    throw todo();
  }

  int mutate(SetName set, Predicate<SetEntry> filter, Mutation mutation) {
    throw todo();
  }

  int mutate(SetName set, Collection<SetEntry.Key> keys, Mutation mutation) {
    throw todo();
  }

  int mutate(SetName set, SetQuery query, Mutation mutation) {
    throw todo();
  }

  SetPage scan(SetName set, SetQuery query, SetEntry.Key after, int limit) {
    throw todo();
  }

  Optional<SetEntry> find(SetName set, SetEntry.Key key) {
    throw todo();
  }
}
