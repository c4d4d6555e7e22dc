package dev.fabrik.server.events;

/**
 * Which events a subscriber wants: {@code GET /api/events?queue=critical&jobtype=SendEmail}.
 *
 * @param queue only jobs of this queue (exact); null for all
 * @param jobtype only jobs of this type (exact); null for all
 */
public record EventFilter(String queue, String jobtype) {
  public static final EventFilter ALL = new EventFilter(null, null);

  public EventFilter {
    queue = queue == null || queue.isBlank() ? null : queue;
    jobtype = jobtype == null || jobtype.isBlank() ? null : jobtype;
  }

  boolean matches(String eventQueue, String eventJobtype) {
    return (queue == null || queue.equals(eventQueue))
        && (jobtype == null || jobtype.equals(eventJobtype));
  }
}
