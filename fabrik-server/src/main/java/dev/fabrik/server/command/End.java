package dev.fabrik.server.command;

import dev.fabrik.protocol.Reply;

/**
 * {@code END} — the client is done; the server closes the socket without replying (Faktory fixed
 * its spec to match: clients write END and close, Node half-closes).
 */
final class End implements CommandHandler {
  @Override
  public Reply handle(String argument, Session session) {
    session.end();
    return null;
  }
}
