package dev.fabrik.client.admin;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A job as a list shows it.
 *
 * @param retryCount -1 for a job that never failed
 * @param errorType its last failure's, else null
 */
public record JobSummary(
    String jid,
    String jobtype,
    String queue,
    JsonNode args,
    Instant createdAt,
    Instant at,
    int retryCount,
    String errorType,
    String errorMessage,
    int priority) {}
