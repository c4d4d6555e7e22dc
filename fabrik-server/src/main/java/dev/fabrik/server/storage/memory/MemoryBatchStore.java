package dev.fabrik.server.storage.memory;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.batch.BatchCounts;
import dev.fabrik.server.batch.BatchRecord;
import dev.fabrik.server.batch.BatchRefusals;
import dev.fabrik.server.batch.BatchStore;
import dev.fabrik.server.batch.Callback;
import dev.fabrik.server.batch.CallbackKey;
import dev.fabrik.server.batch.MemberKey;
import dev.fabrik.server.batch.MemberState;
import dev.fabrik.server.batch.VanishedPage;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Batches in maps, every method under this object's lock: each call is one atomic step, as one
 * statement is on the durable stores.
 */
final class MemoryBatchStore implements BatchStore {

  /** A batch row without its counts (counted from members when read). */
  private static final class Row {
    BatchRecord batch;
    final TreeMap<String, MemberState> members = new TreeMap<>();

    /** When each member joined: the periodic pass spares members younger than its grace. */
    final Map<String, Instant> joined = new HashMap<>();

    Row(BatchRecord batch) {
      this.batch = batch;
    }
  }

  private final Map<String, Row> rows = new HashMap<>();
  private final Consumer<List<QueuedJob>> enqueue;
  private final Object storeLock;
  private final Function<String, MemberState> whereabouts;
  private final Predicate<String> holds;

  /** {@code jid → bid} of PUSHes that joined and have not stored their job yet. */
  private final Map<String, String> joining = new HashMap<>();

  /**
   * @param storeLock the store's lock, held around a PUSH's membership check and its insert, and
   *     taken here (before this object's) around expiry, so no batch goes between the two
   * @param enqueue the store's enqueue, for callback jobs
   * @param whereabouts what the store's job tables say of a member's job, read under the store's
   *     lock ({@link BatchStore#settleVanishedPage}: failed, pending or succeeded)
   * @param holds whether the store holds a job anywhere (queued, reserved, in a set, held by a
   *     workflow), read under the store's lock ({@link BatchStore#vanishedCallbacks})
   */
  MemoryBatchStore(
      Object storeLock,
      Consumer<List<QueuedJob>> enqueue,
      Function<String, MemberState> whereabouts,
      Predicate<String> holds) {
    this.storeLock = storeLock;
    this.enqueue = enqueue;
    this.whereabouts = whereabouts;
    this.holds = holds;
  }

  /**
   * Called with the store's lock held, before a PUSH stores these jobs: refuses the whole push when
   * one of them joined a batch ({@link #join}) that has lost it since (flushed, expired) or never
   * took it (committed), so no plain job is stored naming that batch. Only jids that joined and
   * whose payload names that batch are checked.
   *
   * @throws dev.fabrik.server.CommandException the job is no member of the batch it names
   */
  synchronized void checkMembers(List<QueuedJob> jobs, List<SetEntry> entries) {
    if (joining.isEmpty()) {
      return;
    }
    for (QueuedJob j : jobs) {
      checkMember(j.jid(), j.payload());
    }
    for (SetEntry e : entries) {
      checkMember(e.jid(), e.payload());
    }
  }

  private void checkMember(String jid, byte[] payload) {
    String bid = joining.get(jid);
    if (bid == null || !bid.equals(BatchRefusals.bidOf(payload))) {
      return;
    }
    joining.remove(jid);
    Row r = rows.get(bid);
    if (r == null) {
      throw BatchRefusals.unknown(bid);
    }
    if (!r.members.containsKey(jid)) {
      throw BatchRefusals.committed(bid);
    }
  }

  /** A workflow stored held jobs: their PUSH is long over, the notes go unchecked. */
  synchronized void forgetJoins(List<QueuedJob> jobs) {
    jobs.forEach(j -> joining.remove(j.jid()));
  }

  /** FLUSH: every batch and member goes. */
  synchronized void clear() {
    rows.clear();
  }

  @Override
  public synchronized void create(BatchRecord batch) {
    rows.put(batch.bid(), new Row(batch));
  }

  @Override
  public synchronized Optional<BatchRecord> get(String bid) {
    Row r = rows.get(bid);
    return r == null ? Optional.empty() : Optional.of(counted(r));
  }

  @Override
  public synchronized Optional<BatchRecord> row(String bid) {
    Row r = rows.get(bid);
    return r == null ? Optional.empty() : Optional.of(r.batch);
  }

  private static BatchRecord counted(Row r) {
    long pending = 0;
    long failed = 0;
    for (MemberState s : r.members.values()) {
      if (s == MemberState.PENDING) {
        pending++;
      } else if (s == MemberState.FAILED) {
        failed++;
      }
    }
    BatchRecord b = r.batch;
    return new BatchRecord(
        b.bid(),
        b.parentBid(),
        b.description(),
        b.createdAt(),
        b.expiresAt(),
        b.committed(),
        b.open(),
        b.completeJob(),
        b.successJob(),
        b.completeSt(),
        b.successSt(),
        b.completedAt(),
        r.members.size(),
        pending,
        failed);
  }

  @Override
  public synchronized List<BatchRecord> list(Instant before, int limit) {
    return rows.values().stream()
        .filter(r -> before == null || r.batch.createdAt().isBefore(before))
        .sorted(
            Comparator.comparing((Row r) -> r.batch.createdAt())
                .thenComparing(r -> r.batch.bid())
                .reversed())
        .limit(limit)
        .map(MemoryBatchStore::counted)
        .toList();
  }

  @Override
  public synchronized List<String> members(String bid, MemberState state, int limit) {
    Row r = rows.get(bid);
    if (r == null) {
      return List.of();
    }
    return r.members.entrySet().stream()
        .filter(e -> e.getValue() == state)
        .map(Map.Entry::getKey)
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized boolean reopen(String bid, Instant expiresAt) {
    Row r = rows.get(bid);
    if (r == null) {
      return false;
    }
    r.batch = with(r.batch, r.batch.committed(), true, expiresAt);
    return true;
  }

  @Override
  public synchronized boolean commit(String bid) {
    Row r = rows.get(bid);
    if (r == null || !r.batch.open()) {
      return false;
    }
    r.batch = with(r.batch, true, false, r.batch.expiresAt());
    return true;
  }

  private static BatchRecord with(BatchRecord b, boolean committed, boolean open, Instant expires) {
    return new BatchRecord(
        b.bid(),
        b.parentBid(),
        b.description(),
        b.createdAt(),
        expires,
        committed,
        open,
        b.completeJob(),
        b.successJob(),
        b.completeSt(),
        b.successSt(),
        b.completedAt(),
        0,
        0,
        0);
  }

  private static BatchRecord withStates(
      BatchRecord b, String completeSt, String successSt, Instant completedAt) {
    return new BatchRecord(
        b.bid(),
        b.parentBid(),
        b.description(),
        b.createdAt(),
        b.expiresAt(),
        b.committed(),
        b.open(),
        b.completeJob(),
        b.successJob(),
        completeSt,
        successSt,
        completedAt,
        0,
        0,
        0);
  }

  @Override
  public synchronized CompletableFuture<Boolean> join(String bid, String jid, Instant now) {
    joining.put(jid, bid);
    Row r = rows.get(bid);
    if (r == null || !r.batch.open()) {
      return CompletableFuture.completedFuture(false);
    }
    if (r.members.putIfAbsent(jid, MemberState.PENDING) == null) {
      r.joined.put(jid, now);
    }
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public synchronized void leave(String bid, String jid) {
    joining.remove(jid, bid);
    Row r = rows.get(bid);
    if (r != null) {
      if (r.members.remove(jid, MemberState.PENDING)) {
        r.joined.remove(jid);
      }
    }
  }

  @Override
  public synchronized boolean finish(String bid, String jid, MemberState state) {
    Row r = rows.get(bid);
    if (r == null) {
      return false;
    }
    MemberState now = r.members.get(jid);
    if (now == null || now.ordinal() >= state.ordinal()) {
      return false;
    }
    r.members.put(jid, state);
    return true;
  }

  @Override
  public synchronized boolean markComplete(String bid, String to, Instant now) {
    Row r = rows.get(bid);
    if (r == null
        || !r.batch.committed()
        || r.batch.open()
        || !r.batch.completeSt().equals(BatchRecord.PENDING)
        || r.members.containsValue(MemberState.PENDING)
        || children(bid).anyMatch(c -> !c.batch.completeSt().equals(BatchRecord.DONE))) {
      return false;
    }
    Instant completed = to.equals(BatchRecord.DONE) ? now : null;
    r.batch = withStates(r.batch, to, r.batch.successSt(), completed);
    return true;
  }

  /** Nothing here survives the process, so the enqueue need not share the state's lock. */
  @Override
  public boolean fire(String bid, Callback which, QueuedJob job, Instant now) {
    boolean fired =
        which == Callback.COMPLETE
            ? markComplete(bid, BatchRecord.ENQUEUED, now)
            : markSuccess(bid, BatchRecord.ENQUEUED);
    if (fired) {
      enqueue.accept(List.of(job));
    }
    return fired;
  }

  @Override
  public synchronized boolean markSuccess(String bid, String to) {
    Row r = rows.get(bid);
    if (r == null
        || !r.batch.completeSt().equals(BatchRecord.DONE)
        || !r.batch.successSt().equals(BatchRecord.PENDING)
        || r.members.values().stream().anyMatch(s -> s != MemberState.SUCCEEDED)
        || children(bid).anyMatch(c -> !c.batch.successSt().equals(BatchRecord.DONE))) {
      return false;
    }
    r.batch = withStates(r.batch, r.batch.completeSt(), to, r.batch.completedAt());
    return true;
  }

  private java.util.stream.Stream<Row> children(String bid) {
    return rows.values().stream().filter(c -> bid.equals(c.batch.parentBid()));
  }

  @Override
  public synchronized boolean callbackDone(String bid, Callback callback, Instant now) {
    Row r = rows.get(bid);
    if (r == null) {
      return false;
    }
    BatchRecord b = r.batch;
    if (callback == Callback.COMPLETE && b.completeSt().equals(BatchRecord.ENQUEUED)) {
      r.batch = withStates(b, BatchRecord.DONE, b.successSt(), now);
      return true;
    }
    if (callback == Callback.SUCCESS && b.successSt().equals(BatchRecord.ENQUEUED)) {
      r.batch = withStates(b, b.completeSt(), BatchRecord.DONE, b.completedAt());
      return true;
    }
    return false;
  }

  @Override
  public synchronized List<String> unsettled(String after, int limit) {
    return rows.values().stream()
        .filter(
            r ->
                r.batch.committed()
                    && !r.batch.open()
                    && !(r.batch.completeSt().equals(BatchRecord.DONE)
                        && r.batch.successSt().equals(BatchRecord.DONE)))
        .map(r -> r.batch.bid())
        .filter(bid -> after == null || bid.compareTo(after) > 0)
        .sorted()
        .limit(limit)
        .toList();
  }

  @Override
  public List<String> expire(Instant now, int limit) {
    synchronized (storeLock) {
      return expireLocked(now, limit);
    }
  }

  private synchronized List<String> expireLocked(Instant now, int limit) {
    List<String> gone = new ArrayList<>();
    for (Row r : List.copyOf(rows.values())) {
      if (gone.size() < limit && !r.batch.committed() && !r.batch.expiresAt().isAfter(now)) {
        rows.remove(r.batch.bid());
        gone.add(r.batch.bid());
      }
    }
    return gone;
  }

  @Override
  public synchronized List<String> closeStaleReopens(Instant now, int limit) {
    List<String> closed = new ArrayList<>();
    for (Row r : rows.values()) {
      if (closed.size() < limit
          && r.batch.committed()
          && r.batch.open()
          && !r.batch.expiresAt().isAfter(now)) {
        r.batch = with(r.batch, true, false, r.batch.expiresAt());
        closed.add(r.batch.bid());
      }
    }
    return closed;
  }

  @Override
  public synchronized int purge(Instant before, int limit) {
    int n = 0;
    for (Row r : List.copyOf(rows.values())) {
      if (n < limit && r.batch.completedAt() != null && !r.batch.completedAt().isAfter(before)) {
        rows.remove(r.batch.bid());
        n++;
      }
    }
    return n;
  }

  /** Nothing survives the process here, so nothing is left to recover. */
  @Override
  public int settleVanished(Instant joinedBefore) {
    return 0;
  }

  /**
   * Picks the candidates under this lock, asks the store without it (the store's lock is taken
   * before this one), then moves each judged member still pending. Every job move happens under the
   * store's lock, so each member's job is seen in one place.
   */
  @Override
  public VanishedPage settleVanishedPage(MemberKey after, Instant joinedBefore, int limit) {
    List<MemberKey> page = candidates(after, joinedBefore, limit);
    if (page.isEmpty()) {
      return VanishedPage.END;
    }
    Map<MemberKey, MemberState> judged = new HashMap<>();
    for (MemberKey m : page) {
      judged.put(m, whereabouts.apply(m.jid()));
    }
    List<MemberKey> moved = new ArrayList<>();
    synchronized (this) {
      judged.forEach(
          (m, state) -> {
            Row r = rows.get(m.bid());
            if (state != MemberState.PENDING
                && r != null
                && r.members.replace(m.jid(), MemberState.PENDING, state)) {
              moved.add(m);
            }
          });
    }
    return VanishedPage.of(moved, page, limit);
  }

  /** Under the store's lock, then this one (their order everywhere): one snapshot of both. */
  @Override
  public List<CallbackKey> vanishedCallbacks() {
    synchronized (storeLock) {
      synchronized (this) {
        List<CallbackKey> out = new ArrayList<>();
        for (Row r : new TreeMap<>(rows).values()) {
          BatchRecord b = r.batch;
          if (b.completeSt().equals(BatchRecord.ENQUEUED) && !holds.test(jid(b.completeJob()))) {
            out.add(new CallbackKey(b.bid(), Callback.COMPLETE));
          }
          if (b.successSt().equals(BatchRecord.ENQUEUED) && !holds.test(jid(b.successJob()))) {
            out.add(new CallbackKey(b.bid(), Callback.SUCCESS));
          }
        }
        return out;
      }
    }
  }

  private static String jid(String callbackJson) {
    return JobCodec.MAPPER.readTree(callbackJson).path("jid").asString();
  }

  private synchronized List<MemberKey> candidates(
      MemberKey after, Instant joinedBefore, int limit) {
    List<MemberKey> out = new ArrayList<>();
    for (Row r : new TreeMap<>(rows).values()) {
      BatchRecord b = r.batch;
      boolean unfinished =
          !b.completeSt().equals(BatchRecord.DONE) || !b.successSt().equals(BatchRecord.DONE);
      if (!b.committed() || b.open() || !unfinished) {
        continue;
      }
      if (after != null && b.bid().compareTo(after.bid()) < 0) {
        continue;
      }
      String from = after != null && b.bid().equals(after.bid()) ? after.jid() : null;
      var members = from == null ? r.members : r.members.tailMap(from, false);
      for (Map.Entry<String, MemberState> e : members.entrySet()) {
        if (out.size() >= limit) {
          return out;
        }
        if (e.getValue() == MemberState.PENDING
            && r.joined.get(e.getKey()).isBefore(joinedBefore)) {
          out.add(new MemberKey(b.bid(), e.getKey()));
        }
      }
    }
    return out;
  }

  @Override
  public synchronized BatchCounts counts() {
    long open = 0;
    long committed = 0;
    long completed = 0;
    for (Row r : rows.values()) {
      if (r.batch.open()) {
        open++;
      } else if (r.batch.completeSt().equals(BatchRecord.DONE)) {
        completed++;
      } else {
        committed++;
      }
    }
    return new BatchCounts(open, committed, completed);
  }
}
