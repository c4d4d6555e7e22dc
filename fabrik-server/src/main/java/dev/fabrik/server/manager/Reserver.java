package dev.fabrik.server.manager;

import dev.fabrik.server.storage.Reservation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The step of FETCH that takes a job from the store: {@code Store.reserve} unless a feature (the
 * concurrency and rate limits) puts itself in between. Never blocks waiting for work.
 */
@FunctionalInterface
public interface Reserver {
  Optional<Reservation> reserve(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline);
}
