package dev.fabrik.server.command;

import dev.fabrik.protocol.Reply;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.manager.Manager;
import java.util.List;
import java.util.Optional;

/**
 * {@code FETCH critical default} → the first job of the first non-empty queue as a bulk string
 * (sent as stored, never re-encoded), or {@code $-1} after the manager's wait. Never {@code $0}:
 * Node would JSON.parse an empty string. At least one queue is required (Faktory issue #496).
 */
final class Fetch implements CommandHandler {
  private final Manager manager;

  Fetch(Manager manager) {
    this.manager = manager;
  }

  @Override
  public Reply handle(String argument, Session session) throws InterruptedException {
    List<String> queues = Arguments.words(argument);
    if (queues.isEmpty()) {
      throw CommandException.err("must call fetch with at least one queue");
    }
    Optional<byte[]> job = manager.fetch(session.wid(), queues);
    return job.<Reply>map(Reply::bulk).orElse(Reply.NULL);
  }

  @Override
  public boolean mayBlock() {
    return true;
  }
}
