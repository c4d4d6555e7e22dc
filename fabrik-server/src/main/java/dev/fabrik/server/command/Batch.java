package dev.fabrik.server.command;

import dev.fabrik.protocol.Reply;

/**
 * {@code BATCH ...}: a Faktory Enterprise subsystem Fabrik does not have yet. The client gets a
 * plain error and keeps its connection, as with Faktory's open-source build:
 *
 * <pre>
 * BATCH &lt;anything&gt; → -ERR batch subsystem is not available in this version
 * </pre>
 */
final class Batch implements CommandHandler {
  private static final Reply UNAVAILABLE =
      Reply.error("ERR", "batch subsystem is not available in this version");

  @Override
  public Reply handle(String argument, Session session) {
    return UNAVAILABLE;
  }
}
