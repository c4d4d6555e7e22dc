package dev.fabrik.server.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slots this node saw freed (an ACK here committed), handed to the next FETCH of that limit here so
 * it goes straight to reserving a job and taking the slot, without first reading the usage from a
 * shared database: one round trip fewer between the free and the grant, while the FETCH that was
 * waiting for the slot is woken directly.
 *
 * <p>A hand-off is a hint, never a grant: the slot is still taken by the store's exact acquisition,
 * so if another node took it meanwhile the acquisition fails, the job goes back and the FETCH looks
 * at the usage as usual. A hand-off not taken within {@link #FRESH} is forgotten, and a limit never
 * holds more than its number of slots, so hints left by a burst do not send later FETCHes after
 * slots that other nodes took long ago.
 */
final class SlotHandoffs {

  /** How long a freed slot is offered before the usage must be read again. */
  static final Duration FRESH = Duration.ofSeconds(1);

  private final Clock clock;

  /** Slots freed and not taken yet, by limit key, oldest first, with when each freed. */
  private final ConcurrentHashMap<String, ArrayDeque<Instant>> offered = new ConcurrentHashMap<>();

  SlotHandoffs(Clock clock) {
    this.clock = clock;
  }

  /** A slot of {@code key} ({@code limit} slots in all) freed here: offered to the next FETCH. */
  void freed(String key, int limit) {
    Instant now = clock.instant();
    offered.compute(
        key,
        (k, slots) -> {
          ArrayDeque<Instant> out = slots == null ? new ArrayDeque<>() : slots;
          dropStale(out, now);
          if (out.size() < limit) {
            out.addLast(now);
          }
          return out;
        });
  }

  /** Takes a slot of {@code key} offered within {@link #FRESH}; false when there is none. */
  boolean take(String key) {
    Instant now = clock.instant();
    boolean[] took = {false};
    offered.computeIfPresent(
        key,
        (k, slots) -> {
          dropStale(slots, now);
          took[0] = slots.pollFirst() != null;
          return slots.isEmpty() ? null : slots;
        });
    return took[0];
  }

  private static void dropStale(ArrayDeque<Instant> slots, Instant now) {
    Instant oldest = now.minus(FRESH);
    while (!slots.isEmpty() && slots.peekFirst().isBefore(oldest)) {
      slots.pollFirst();
    }
  }
}
