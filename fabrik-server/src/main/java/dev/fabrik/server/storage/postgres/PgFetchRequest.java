package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.Reservation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One caller's {@code reserve()} waiting in {@link PgFetchBatcher}: what {@code Store.reserve} was
 * given, and where its answer goes (a reservation, empty when its queues had nothing, or the
 * batch's failure).
 */
record PgFetchRequest(
    List<String> queues,
    String wid,
    Instant now,
    Function<byte[], Instant> deadline,
    CompletableFuture<Optional<Reservation>> result) {

  PgFetchRequest(List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
    this(List.copyOf(queues), wid, now, deadline, new CompletableFuture<>());
  }
}
