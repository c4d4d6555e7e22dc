package dev.fabrik.server.web.console;

import java.time.Duration;
import java.time.Instant;

/**
 * A job in progress: fetched by {@code wid} at {@code startedAt}, reserved until {@code expiresAt}
 * (then it fails with ReservationExpired); {@code progress} is what its worker reported when the
 * job is tracked, else null. {@code workerGone}: the worker that fetched it is no longer known (its
 * heartbeat expired or its last connection closed), so nobody may be working on it; it fails with
 * ReservationExpired at {@code expiresAt} unless that worker still reports it.
 */
public record RunningJob(
    String jid,
    String jobtype,
    String queue,
    String wid,
    Instant startedAt,
    Duration runningFor,
    Instant expiresAt,
    JobProgress progress,
    boolean workerGone) {}
