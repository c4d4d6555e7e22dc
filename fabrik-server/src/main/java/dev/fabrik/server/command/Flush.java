package dev.fabrik.server.command;

import dev.fabrik.protocol.Reply;
import dev.fabrik.server.manager.Manager;

/** {@code FLUSH} → {@code +OK} after wiping all job data; workers are not job data and stay. */
final class Flush implements CommandHandler {
  private final Manager manager;

  Flush(Manager manager) {
    this.manager = manager;
  }

  @Override
  public Reply handle(String argument, Session session) {
    manager.flush();
    return Reply.OK;
  }
}
