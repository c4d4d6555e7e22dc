package dev.fabrik.client.admin;

import java.time.Instant;
import java.util.List;

/**
 * A worker process known from its HELLO and heartbeats.
 *
 * @param state {@code running}, {@code quiet} or {@code terminate}
 */
public record WorkerProcess(
    String wid,
    String hostname,
    long pid,
    List<String> labels,
    Instant startedAt,
    Instant lastBeat,
    String state,
    int connections) {}
