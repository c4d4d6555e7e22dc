package dev.fabrik.server.manager;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's verbs on whole queues: {@code QUEUE PAUSE|RESUME|REMOVE|LATENCY}, from the wire
 * and the web console alike. A paused queue keeps its jobs; FETCH skips it ({@link Fetcher}).
 */
public final class QueueControl {
  private final Store store;
  private final Clock clock;

  QueueControl(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** QUEUE PAUSE; {@code *} as the first name means every known queue. */
  public void pause(List<String> names) {
    store.pause(expand(names));
  }

  /** QUEUE RESUME; {@code *} as the first name means every known queue. */
  public void resume(List<String> names) {
    store.resume(expand(names));
  }

  /** QUEUE REMOVE: deletes the queues and their jobs; {@code *} first means every known queue. */
  public void remove(List<String> names) {
    store.remove(expand(names));
  }

  private Collection<String> expand(List<String> names) {
    if (names == null || names.isEmpty()) {
      return List.of();
    }
    return "*".equals(names.getFirst()) ? List.copyOf(store.queueSizes().keySet()) : names;
  }

  /**
   * QUEUE LATENCY: seconds since the head job of each queue was enqueued (0 when empty or unknown).
   * Checks the wildcard itself, so every caller gets {@code -ERR QUEUE LATENCY does not support
   * wildcards}.
   */
  public Map<String, Double> latency(List<String> queues) {
    if (queues.contains("*")) {
      throw CommandException.err("QUEUE LATENCY does not support wildcards");
    }
    Instant now = clock.instant();
    Map<String, Double> out = new LinkedHashMap<>();
    for (String q : queues) {
      out.put(q, store.peek(q).map(p -> secondsSinceEnqueued(p, now)).orElse(0.0));
    }
    return out;
  }

  private static double secondsSinceEnqueued(byte[] payload, Instant now) {
    try {
      String at = JobCodec.decode(payload).enqueuedAt();
      if (at == null || at.isEmpty()) {
        return 0.0;
      }
      Duration d = Duration.between(Timestamps.parse(at), now);
      return d.isNegative() ? 0.0 : d.toNanos() / 1e9;
    } catch (RuntimeException e) {
      return 0.0;
    }
  }
}
