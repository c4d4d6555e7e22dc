package dev.fabrik.client.admin;

import java.time.Instant;

/**
 * One entry of a set.
 *
 * @param key the opaque, URL-safe key that names it in {@link FabrikAdmin#act}
 * @param score when it runs (retries, scheduled) or expires (dead)
 */
public record SetEntry(String key, Instant score, JobSummary job) {}
