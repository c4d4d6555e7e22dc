package dev.fabrik.server.workers;

import java.time.Instant;
import java.util.List;

/**
 * What a worker told us in HELLO and BEAT, as the admin endpoint lists it.
 *
 * @param connections how many connections currently share the wid
 */
public record WorkerInfo(
    String wid,
    String hostname,
    long pid,
    List<String> labels,
    Instant startedAt,
    Instant lastBeat,
    long rssKb,
    WorkerState state,
    int connections) {}
