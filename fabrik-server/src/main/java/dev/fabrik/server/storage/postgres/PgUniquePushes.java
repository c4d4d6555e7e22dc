package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.unique.UniqueClaim;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Group commit for unique pushes: the pushes waiting when a writer is free go into ONE transaction:
 * one upsert of all their claims (each row carrying its push's {@code now} as {@code taken_us}),
 * one insert of every winner's jobs, one of their set entries, one COMMIT. A commit that inserts
 * jobs NOTIFYs, and PostgreSQL serializes such commits cluster-wide (one at a time, each waiting
 * for its WAL flush): a transaction per push ran at a few hundred pushes a second.
 *
 * <pre>
 * BEGIN;
 * INSERT INTO fabrik.unique_locks ... ORDER BY key ... RETURNING key;  -- every claim of the batch
 * INSERT INTO fabrik.jobs ...;                                         -- the winners' jobs
 * COMMIT;
 * </pre>
 *
 * One statement sorted by key means a batch takes its row locks in key order, so batches of several
 * nodes never deadlock. The pushes of a batch decide as if one after the other in the order they
 * were submitted: the first claim of a key in the batch goes to PostgreSQL, a later one is refused
 * (the first holds the key, or a live lock held it from both). If the batch fails, each push is
 * tried again in a transaction of its own, so only a push that fails on its own reports a failure.
 * A push naming a batch it joined moments before is first checked to be still a member ({@link
 * PgBatchJoins}), and fails whole, claiming nothing, if not. Writers are virtual threads started on
 * demand, at most {@link #MAX_WRITERS} at once, each exiting when nothing waits (a closed store
 * leaves no thread behind).
 */
final class PgUniquePushes {
  /** Two writers: one fills a batch while the other waits for its COMMIT. */
  static final int MAX_WRITERS = 2;

  static final int MAX_BATCH = 200;

  /** One push waiting for a writer. */
  record Push(
      List<QueuedJob> jobs,
      List<SetEntry> entries,
      List<UniqueClaim> claims,
      Instant now,
      CompletableFuture<Set<String>> done) {}

  /** Runs the batch's claiming upsert; returns the keys it took. */
  @FunctionalInterface
  interface Claimer {
    Set<String> claim(Connection c, List<UniqueClaim> claims, List<Instant> nows)
        throws SQLException;
  }

  /** What the transaction stored of one push. */
  private record Outcome(Set<String> refused, List<QueuedJob> jobs, List<SetEntry> entries) {}

  private final PgDatabase db;
  private final PgInserts inserts;
  private final Claimer claimer;
  private final PgBatchJoins joins;
  private final Consumer<List<QueuedJob>> committed;
  private final Executor writers;
  private final ConcurrentLinkedQueue<Push> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger running = new AtomicInteger();

  /**
   * @param committed told the jobs a commit stored (to wake this node's FETCHes)
   * @param writers runs a writer (a virtual-thread executor)
   */
  PgUniquePushes(
      PgDatabase db,
      PgInserts inserts,
      Claimer claimer,
      PgBatchJoins joins,
      Consumer<List<QueuedJob>> committed,
      Executor writers) {
    this.db = db;
    this.inserts = inserts;
    this.claimer = claimer;
    this.joins = joins;
    this.committed = committed;
    this.writers = writers;
  }

  /** Queues a push; the stage completes with its refused jids after the COMMIT that stored it. */
  CompletableFuture<Set<String>> submit(
      List<QueuedJob> jobs, List<SetEntry> entries, List<UniqueClaim> claims, Instant now) {
    Push push = new Push(jobs, entries, claims, now, new CompletableFuture<>());
    waiting.add(push);
    startWriterIfNeeded();
    return push.done();
  }

  private void startWriterIfNeeded() {
    while (!waiting.isEmpty()) {
      int n = running.get();
      if (n >= MAX_WRITERS) {
        return; // a running writer drains the queue before it exits
      }
      if (running.compareAndSet(n, n + 1)) {
        try {
          writers.execute(this::drain);
        } catch (RuntimeException e) {
          running.decrementAndGet();
          throw e;
        }
        return;
      }
    }
  }

  private void drain() {
    try {
      List<Push> batch = new ArrayList<>();
      while (true) {
        batch.clear();
        Push p;
        while (batch.size() < MAX_BATCH && (p = waiting.poll()) != null) {
          batch.add(p);
        }
        if (batch.isEmpty()) {
          break;
        }
        write(batch);
      }
    } finally {
      running.decrementAndGet();
      // A push queued after the last poll, while this writer still counted as running.
      startWriterIfNeeded();
    }
  }

  private void write(List<Push> batch) {
    List<Outcome> outcomes;
    try {
      outcomes = PgCalls.transaction(db, "pushing unique jobs", c -> run(c, batch));
    } catch (RuntimeException e) {
      if (batch.size() == 1) {
        batch.getFirst().done().completeExceptionally(e);
        return;
      }
      for (Push push : batch) {
        write(List.of(push));
      }
      return;
    }
    List<QueuedJob> stored = new ArrayList<>();
    List<SetEntry> storedEntries = new ArrayList<>();
    for (Outcome o : outcomes) {
      stored.addAll(o.jobs());
      storedEntries.addAll(o.entries());
    }
    joins.stored(stored, storedEntries);
    committed.accept(stored);
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).done().complete(outcomes.get(i).refused());
    }
  }

  private List<Outcome> run(Connection c, List<Push> batch) throws SQLException {
    // A push whose batch went away after it joined fails whole, before it claims any key.
    Map<Integer, CommandException> notMembers = joins.refusals(c, batch, Push::jobs, Push::entries);
    // The first claim of each key in the batch goes to PostgreSQL; a later one is refused.
    Map<String, UniqueClaim> first = new LinkedHashMap<>();
    List<Instant> nows = new ArrayList<>();
    List<Set<String>> refused = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Push push = batch.get(i);
      Set<String> r = new HashSet<>();
      refused.add(r);
      CommandException notMember = notMembers.get(i);
      if (notMember != null) {
        push.done().completeExceptionally(notMember);
        continue;
      }
      for (UniqueClaim claim : push.claims()) {
        if (first.putIfAbsent(claim.key(), claim) == null) {
          nows.add(push.now());
        } else {
          r.add(claim.jid());
        }
      }
    }
    Set<String> won = claimer.claim(c, List.copyOf(first.values()), nows);
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    List<QueuedJob> jobs = new ArrayList<>();
    List<SetEntry> entries = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Push push = batch.get(i);
      Set<String> r = refused.get(i);
      if (notMembers.containsKey(i)) {
        outcomes.add(new Outcome(Set.of(), List.of(), List.of())); // already failed
        continue;
      }
      for (UniqueClaim claim : push.claims()) {
        if (first.get(claim.key()) == claim && !won.contains(claim.key())) {
          r.add(claim.jid());
        }
      }
      Outcome o =
          new Outcome(
              Set.copyOf(r),
              without(push.jobs(), r, QueuedJob::jid),
              without(push.entries(), r, SetEntry::jid));
      outcomes.add(o);
      jobs.addAll(o.jobs());
      entries.addAll(o.entries());
    }
    inserts.jobs(c, jobs);
    inserts.entries(c, entries);
    return outcomes;
  }

  private static <T> List<T> without(List<T> items, Set<String> refused, Function<T, String> jid) {
    if (refused.isEmpty()) {
      return items;
    }
    List<T> kept = new ArrayList<>(items.size());
    for (T item : items) {
      if (!refused.contains(jid.apply(item))) {
        kept.add(item);
      }
    }
    return kept;
  }
}
