package dev.fabrik.server.web.console;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One job in a list (a queue's page, a set's page): the fields a table row shows. Fields the
 * payload lacks (or that cannot be read) are null; {@code retryCount} is -1 before any failure.
 *
 * @param args the job's {@code args} as sent (a JSON array), null when unreadable
 * @param errorMessage the last failure's message, null when it never failed
 * @param priority the job's priority within its queue (1..9, 5 when it names none)
 */
public record JobSummary(
    String jid,
    String jobtype,
    String queue,
    JsonNode args,
    Instant createdAt,
    Instant enqueuedAt,
    Instant at,
    int retryCount,
    String errorType,
    String errorMessage,
    int priority) {

  /** The args as compact JSON, cut to {@code max} characters with an ellipsis. */
  public String argsText(int max) {
    String text = args == null ? "" : args.toString();
    return text.length() <= max ? text : text.substring(0, Math.max(0, max - 1)) + "…";
  }
}
