package dev.fabrik.server.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sweep's pass over callbacks whose job vanished while every node runs: a callback pushed
 * (state {@code "1"}) whose job an operator deleted (from its queue, the retries, scheduled or dead
 * set, a queue removed, a FLUSH of the queue) will never be ACKed, and its batch, and a parent
 * waiting for it, would stay "in progress" until the next restart. Such a callback counts as done
 * ({@code "2"}): the operator chose that it will not run, and the success callback or the parent go
 * on, exactly as after its ACK.
 *
 * <p>A callback is moved only once this node found its job nowhere in two passes at least {@code
 * grace} apart, which leaves an ACK's own report (queued on the ACKing node's batches thread) the
 * time to arrive first. The move is the same compare-and-set {@code "1" → "2"} the report makes
 * ({@link BatchStore#callbackDone}): of the report and any number of nodes' passes exactly one
 * changes the row and only that one settles the batch, so the next step fires once.
 *
 * <p>Only the batches thread calls {@link #settle}.
 */
final class VanishedCallbacks {
  private final BatchStore store;
  private final Duration grace;

  /** Callbacks found without their job, and when this node first found them so. */
  private Map<CallbackKey, Instant> suspects = new HashMap<>();

  VanishedCallbacks(BatchStore store, Duration grace) {
    this.store = store;
    this.grace = grace;
  }

  /**
   * One pass: returns the bids whose callback this node moved to {@code "2"} (each needs its
   * completion check).
   */
  List<String> settle(Instant now) {
    List<CallbackKey> gone = store.vanishedCallbacks();
    Map<CallbackKey, Instant> still = new HashMap<>();
    List<String> moved = new ArrayList<>();
    Instant seenBy = now.minus(grace);
    for (CallbackKey k : gone) {
      Instant first = suspects.getOrDefault(k, now);
      if (first.isAfter(seenBy)) {
        still.put(k, first);
      } else if (store.callbackDone(k.bid(), k.which(), now)) {
        moved.add(k.bid());
      }
    }
    suspects = still;
    return moved;
  }
}
