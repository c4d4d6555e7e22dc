package dev.fabrik.server.storage;

import java.util.Set;
import java.util.function.Predicate;

/**
 * What a limited FETCH passes over inside a queue (docs/limits.md): jobs of {@code jobtypes} (a
 * store may filter these in its query: {@code jobtype <> ALL(?)}) and jobs whose payload {@code
 * refuses} (a rate-limit partition out of budget, checked after the store found a candidate). The
 * jobs passed over keep their places; the first job behind them that passes is reserved.
 *
 * @param refuses true for a payload that must stay queued; checked only on jobs whose type passed
 */
public record PassOver(Set<String> jobtypes, Predicate<byte[]> refuses) {

  /**
   * Candidates a store examines per queue before it gives up on that queue for this FETCH: bounds a
   * FETCH's work when thousands of limited jobs sit at a queue's head.
   */
  public static final int SCAN_LIMIT = 1_000;

  public static final PassOver NOTHING = new PassOver(Set.of(), p -> false);

  public PassOver {
    jobtypes = Set.copyOf(jobtypes);
  }

  /** True when the job of this payload must stay in its queue. */
  public boolean skips(byte[] payload) {
    if (!jobtypes.isEmpty()) {
      String type = PayloadJobtype.of(payload);
      if (type != null && jobtypes.contains(type)) {
        return true;
      }
    }
    return refuses.test(payload);
  }

  public boolean isNothing() {
    return this == NOTHING;
  }
}
