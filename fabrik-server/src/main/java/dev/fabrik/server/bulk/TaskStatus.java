package dev.fabrik.server.bulk;

import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetQuery;
import java.time.Instant;

/**
 * A bulk task as {@code GET /api/tasks/{id}} shows it.
 *
 * @param done matching entries handled so far
 * @param total entries to visit when known at the start (an unfiltered task: the set's size then),
 *     else null
 * @param changed entries actually changed (for {@code count}: the matches)
 * @param error why it failed, else null
 * @param finishedAt null while running
 */
public record TaskStatus(
    String id,
    SetName set,
    BulkAction action,
    SetQuery query,
    State state,
    long done,
    Long total,
    long changed,
    String error,
    Instant startedAt,
    Instant finishedAt) {

  public enum State {
    RUNNING,
    DONE,
    CANCELLED,
    FAILED;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public boolean finished() {
    return state != State.RUNNING;
  }
}
