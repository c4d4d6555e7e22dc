package dev.fabrik.server.manager;

import dev.fabrik.server.storage.Reservation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The step of FETCH that takes a job from the store: {@code Store.reserve} unless a feature (the
 * concurrency and rate limits) puts itself in between. Never blocks waiting for work.
 */
@FunctionalInterface
public interface Reserver {
  Optional<Reservation> reserve(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline);

  /**
   * {@link #reserve} as the store's {@code reserveAsync}: the answer completes on a store thread,
   * and nobody blocks for it. Null (the default) when this reserver cannot answer that way (a limit
   * in force takes several steps): the caller then calls {@link #reserve} on a thread that may
   * block.
   */
  default CompletableFuture<Optional<Reservation>> reserveAsync(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
    return null;
  }
}
