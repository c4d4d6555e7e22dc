package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.reservation.ReservationTable;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * How the SQLite store ends a reservation (ACK, FAIL): the reservation leaves the table before its
 * write commits and comes back if the write fails, and a second ACK of a jid waits for the first.
 */
final class ReservationEnds {
  private final ReservationTable<Long> reservations;

  /** The latest ACK or FAIL of each jid whose write has not committed yet. */
  private final ConcurrentHashMap<String, CompletableFuture<?>> ending = new ConcurrentHashMap<>();

  ReservationEnds(ReservationTable<Long> reservations) {
    this.reservations = reservations;
  }

  /**
   * ACK and FAIL: takes the oldest reservation of {@code jid}, hands its end to the writer with
   * {@code write}, and completes with it once that committed; if the write fails (a full disk) the
   * reservation is put back and the stage fails, so the client hears {@code -ERR} and nothing is
   * lost. A call that finds no reservation while an earlier ACK or FAIL of the jid is still being
   * committed (a client that sent its ACK twice) completes only after that one, like it: an ACK
   * answered {@code +OK} always means the job is durably gone.
   */
  CompletableFuture<Optional<Reservation>> end(
      String jid, Function<ReservationTable.Held<Long>, CompletableFuture<Void>> write) {
    CompletableFuture<Optional<Reservation>> done = new CompletableFuture<>();
    CompletableFuture<?> earlier = ending.put(jid, done);
    done.whenComplete((r, e) -> ending.remove(jid, done));
    ReservationTable.Held<Long> held = reservations.take(jid);
    if (held == null) {
      if (earlier == null) {
        done.complete(Optional.empty());
      } else {
        earlier.whenComplete(
            (r, e) -> {
              if (e != null) {
                done.completeExceptionally(e);
              } else {
                done.complete(Optional.empty());
              }
            });
      }
      return done;
    }
    CompletableFuture<Void> committed;
    try {
      committed = write.apply(held);
    } catch (RuntimeException e) {
      reservations.restore(held);
      done.completeExceptionally(e);
      return done;
    }
    committed.whenComplete(
        (ignored, error) -> {
          if (error == null) {
            done.complete(Optional.of(held.reservation()));
          } else {
            reservations.restore(held);
            done.completeExceptionally(error);
          }
        });
    return done;
  }
}
