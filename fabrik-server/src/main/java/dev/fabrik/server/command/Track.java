package dev.fabrik.server.command;

import dev.fabrik.protocol.Reply;

/**
 * {@code TRACK ...}: a Faktory Enterprise subsystem Fabrik does not have yet. The client gets a
 * plain error and keeps its connection, as with Faktory's open-source build:
 *
 * <pre>
 * TRACK &lt;anything&gt; → -ERR tracking subsystem is not available in this version
 * </pre>
 */
final class Track implements CommandHandler {
  private static final Reply UNAVAILABLE =
      Reply.error("ERR", "tracking subsystem is not available in this version");

  @Override
  public Reply handle(String argument, Session session) {
    return UNAVAILABLE;
  }
}
