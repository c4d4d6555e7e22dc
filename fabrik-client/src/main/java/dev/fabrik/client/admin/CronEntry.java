package dev.fabrik.client.admin;

import java.time.Instant;
import java.util.List;

/**
 * A cron entry ({@code GET /api/cron}).
 *
 * @param source {@code config} (conf.d) or {@code api}
 * @param next the next three times it fires
 */
public record CronEntry(
    String id,
    String name,
    String schedule,
    String timezone,
    String jobtype,
    String source,
    boolean paused,
    Instant lastRunAt,
    List<Instant> next) {}
