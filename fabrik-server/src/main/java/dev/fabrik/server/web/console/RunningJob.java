package dev.fabrik.server.web.console;

import java.time.Duration;
import java.time.Instant;

/**
 * A job in progress: fetched by {@code wid} at {@code startedAt}, reserved until {@code expiresAt}
 * (then it fails with ReservationExpired); {@code progress} is what its worker reported when the
 * job is tracked, else null.
 */
public record RunningJob(
    String jid,
    String jobtype,
    String queue,
    String wid,
    Instant startedAt,
    Duration runningFor,
    Instant expiresAt,
    JobProgress progress) {}
