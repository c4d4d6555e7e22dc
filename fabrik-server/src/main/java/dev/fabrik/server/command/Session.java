package dev.fabrik.server.command;

/**
 * What a command handler may know about, and do to, the connection it runs on. Implemented by the
 * network layer; handlers never see the socket.
 */
public interface Session {

  /** The worker id from HELLO, or {@code ""} for a producer connection. */
  String wid();

  /** Closes the connection once the current command returns, without writing anything more. */
  void end();
}
