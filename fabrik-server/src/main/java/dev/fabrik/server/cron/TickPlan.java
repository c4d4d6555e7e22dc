package dev.fabrik.server.cron;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which ticks of one entry to fire now, given the last tick it claimed.
 *
 * <p>Ticks at most {@link CatchUp#GRACE} old are on time and all fire (a loaded server a few
 * seconds late still fires every tick of an {@code @every 1s}). Older ticks were missed (the server
 * was down) and follow the entry's {@link CatchUp}: none, the latest one (only when no on-time tick
 * fires anyway), or all of them, the newest {@link CatchUp#MAX_ALL} at most.
 *
 * @param fire ticks to claim with a job each, oldest first
 * @param skipTo when nothing fires but ticks passed, the tick to move the entry to without a job;
 *     null otherwise
 */
record TickPlan(List<Instant> fire, Instant skipTo) {

  static final TickPlan NOTHING = new TickPlan(List.of(), null);

  /** Ticks looked at per plan at most (walking back from now). */
  private static final int WALK = CatchUp.MAX_ALL + 100;

  boolean isEmpty() {
    return fire.isEmpty() && skipTo == null;
  }

  static TickPlan of(Schedule schedule, CatchUp policy, Instant lastTick, Instant now) {
    List<Instant> recent = new ArrayList<>(); // newest first
    List<Instant> missed = new ArrayList<>(); // newest first
    Instant cutoff = now.minus(CatchUp.GRACE);
    Optional<Instant> t = schedule.latestAtOrBefore(now);
    int walked = 0;
    while (t.isPresent() && t.get().isAfter(lastTick) && walked++ < WALK) {
      (t.get().isAfter(cutoff) ? recent : missed).add(t.get());
      t = schedule.latestAtOrBefore(t.get().minusNanos(1));
    }
    if (recent.isEmpty() && missed.isEmpty()) {
      return NOTHING;
    }
    List<Instant> fire = new ArrayList<>();
    switch (policy) {
      case ALL -> fire.addAll(missed.subList(0, Math.min(missed.size(), CatchUp.MAX_ALL)));
      case LAST -> {
        if (recent.isEmpty()) {
          fire.add(missed.getFirst());
        }
      }
      case NONE -> {}
    }
    fire.addAll(0, recent);
    fire.sort(null);
    if (fire.isEmpty()) {
      return new TickPlan(List.of(), missed.getFirst());
    }
    return new TickPlan(List.copyOf(fire), null);
  }
}
