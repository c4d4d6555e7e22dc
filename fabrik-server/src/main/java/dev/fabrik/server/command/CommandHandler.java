package dev.fabrik.server.command;

import dev.fabrik.protocol.Reply;

/**
 * One verb of the protocol. A handler parses its argument text, calls the manager or the worker
 * registry and returns the reply; it holds no business rules. A {@link
 * dev.fabrik.server.CommandException} becomes {@code -CODE message}; any other exception is logged
 * by the connection and answered {@code -ERR internal error}. Neither closes the connection.
 */
@FunctionalInterface
public interface CommandHandler {

  /**
   * @param argument the text after the first space of the line, or {@code null} when the line was
   *     the bare verb (which most verbs answer with {@code -ERR internal error}, as Faktory does)
   * @return the reply, or {@code null} for none (END)
   * @throws InterruptedException the server is stopping while the command waited (FETCH)
   */
  Reply handle(String argument, Session session) throws InterruptedException;

  /**
   * Whether the command can wait for a long time (FETCH). The connection first flushes replies it
   * held back for a pipelining client, so an ACK's {@code +OK} is not delayed by the next FETCH.
   */
  default boolean mayBlock() {
    return false;
  }
}
