package dev.fabrik.client.admin;

import java.time.Instant;

/**
 * A bulk action running (or run) on the server.
 *
 * @param state {@code running}, {@code done}, {@code cancelled} or {@code failed}
 * @param done matching entries handled so far
 * @param total entries to visit when known (unfiltered: the set's size at the start), else null
 * @param changed entries changed (for {@link BulkAction#COUNT}: the matches)
 */
public record BulkTask(
    String id,
    SetName set,
    BulkAction action,
    String state,
    long done,
    Long total,
    long changed,
    String error,
    Instant startedAt,
    Instant finishedAt) {

  public boolean finished() {
    return !state.equals("running");
  }

  public boolean succeeded() {
    return state.equals("done");
  }
}
