package dev.fabrik.client.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's figures ({@code GET /api/overview}).
 *
 * @param processed acknowledged and failed jobs since the last flush (as Faktory counts)
 * @param sets sizes of {@code working}, {@code retries}, {@code scheduled} and {@code dead}
 * @param storageBytes the store's size on disk (0 for the memory store)
 */
public record Overview(
    Instant now,
    String fabrikVersion,
    long uptimeSeconds,
    long processed,
    long failed,
    long enqueued,
    long connections,
    long workers,
    Map<String, Long> sets,
    long storageBytes,
    List<QueueInfo> queues) {}
