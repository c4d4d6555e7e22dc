package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.Counters;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.reservation.ReservationTable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What ACK and FAIL write for {@link SqliteStore} once a reservation ends (the job row deleted, a
 * failed job moved to the retry, dead or scheduled set, or its fate recorded), and the processed
 * and failed counters those writes advance when they commit.
 */
final class SqliteJobOutcomes {
  private final SqliteSortedSets sets;
  private final AtomicLong processed;
  private final AtomicLong failures;

  SqliteJobOutcomes(SqliteSortedSets sets, Recovery.State state) {
    this.sets = sets;
    this.processed = new AtomicLong(state.processed());
    this.failures = new AtomicLong(state.failures());
  }

  /** ACK: the job is done. */
  WriteOp<Void> deletion(ReservationTable.Held<Long> held) {
    return tx -> {
      deleteJob(tx, held.handle());
      tx.count(1, 0);
      tx.onCommit(processed::incrementAndGet);
      return null;
    };
  }

  /** FAIL: the job goes where {@code outcome} says; a snooze is not counted as a failure. */
  WriteOp<Void> failure(ReservationTable.Held<Long> held, FailureDecision.Outcome outcome) {
    Reservation r = held.reservation();
    return tx -> {
      deleteJob(tx, held.handle());
      switch (outcome) {
        case FailureDecision.Retry retry ->
            sets.addEntry(tx, SetName.RETRIES, retry.at(), r.jid(), r.queue(), retry.payload());
        case FailureDecision.Dead dead ->
            sets.addEntry(tx, SetName.DEAD, dead.expiresAt(), r.jid(), r.queue(), dead.payload());
        case FailureDecision.Discard discard -> SqliteJobFates.record(tx, r.jid(), discard);
        case FailureDecision.Snooze snooze -> {
          sets.addEntry(
              tx, SetName.SCHEDULED, snooze.until(), r.jid(), r.queue(), snooze.payload());
          return null;
        }
      }
      tx.count(1, 1);
      tx.onCommit(
          () -> {
            processed.incrementAndGet();
            failures.incrementAndGet();
          });
      return null;
    };
  }

  private static void deleteJob(Tx tx, long id) {
    tx.deleteJob(id);
  }

  Counters counters() {
    return new Counters(processed.get(), failures.get());
  }

  /** After FLUSH committed. */
  void reset() {
    processed.set(0);
    failures.set(0);
  }
}
