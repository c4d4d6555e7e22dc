package dev.fabrik.client.admin;

import java.time.Instant;

/**
 * One event of the server's live stream ({@code GET /api/events}).
 *
 * @param type {@code pushed}, {@code fetched}, {@code acked}, {@code failed}, {@code expired}
 *     (reservation ran out), {@code retried}, {@code died} or {@code snoozed}
 * @param wid the worker involved, when one is
 * @param until when the job runs next ({@code pushed} with a time, {@code retried}, {@code
 *     snoozed}) or expires ({@code died}), else null
 * @param json the event's {@code data} line as sent
 */
public record JobEvent(
    long id,
    String type,
    String jid,
    String jobtype,
    String queue,
    Instant at,
    String wid,
    Instant until,
    String json) {}
