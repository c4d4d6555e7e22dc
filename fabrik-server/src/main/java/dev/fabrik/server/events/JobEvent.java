package dev.fabrik.server.events;

import java.time.Instant;

/**
 * One step of a job's life as the event stream reports it.
 *
 * @param seq this node's running number of the event (the SSE {@code id})
 * @param type {@code pushed}, {@code fetched}, {@code acked}, {@code failed}, {@code expired} (its
 *     reservation ran out), {@code retried}, {@code died} or {@code snoozed}
 * @param at when it happened (the server's clock)
 * @param wid the worker involved ({@code fetched}, {@code acked}, {@code failed}, {@code expired}),
 *     else null
 * @param until when the job runs next ({@code pushed} with {@code at}, {@code retried}, {@code
 *     snoozed}) or expires ({@code died}), else null
 */
public record JobEvent(
    long seq,
    String type,
    String jid,
    String jobtype,
    String queue,
    Instant at,
    String wid,
    Instant until) {}
