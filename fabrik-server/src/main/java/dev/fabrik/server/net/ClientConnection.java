package dev.fabrik.server.net;

/** What the {@link Listener} needs of an open connection, whichever kind, to stop cleanly. */
interface ClientConnection {

  /** True while a command runs; stopping waits for these to finish. */
  boolean busy();

  /** Wakes a command waiting for work (FETCH) so shutdown need not wait for its timeout. */
  void interruptIfBlocked();

  /** Closes the socket from any thread, saying nothing more. */
  void close();
}
