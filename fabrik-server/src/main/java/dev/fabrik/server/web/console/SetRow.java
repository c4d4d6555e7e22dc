package dev.fabrik.server.web.console;

import java.time.Instant;

/**
 * One entry of a sorted set on its page.
 *
 * @param key the entry's key, for the detail link and for selecting it in an action
 * @param score run-at (scheduled, retries) or expiry (dead)
 */
public record SetRow(String key, Instant score, JobSummary job) {}
