package dev.fabrik.server.web.console;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the dashboard shows at a glance.
 *
 * @param processed jobs acknowledged or failed since the counters were last flushed
 * @param failed jobs failed (each failure counts, retries included)
 * @param queues every known queue by name
 * @param connections handshaken client connections right now
 * @param workers worker processes known from heartbeats
 * @param working jobs fetched and not yet acknowledged or failed
 * @param storageBytes bytes the store occupies on disk (0 for the memory store)
 */
public record Overview(
    Instant now,
    String version,
    String faktoryVersion,
    Duration uptime,
    long processed,
    long failed,
    List<QueueSummary> queues,
    int connections,
    int workers,
    long working,
    long retries,
    long scheduled,
    long dead,
    long storageBytes) {

  public Overview {
    queues = List.copyOf(queues);
  }

  /** Jobs waiting in every queue. */
  public long enqueued() {
    return queues.stream().mapToLong(QueueSummary::size).sum();
  }
}
