package dev.fabrik.cli.bench;

import java.util.Locale;

/** How {@code fabrik bench} generates load; both keep the same requests in flight. */
public enum Engine {
  /** One event-loop thread over non-blocking sockets: the client takes little CPU. */
  LOOP,
  /** One blocking thread per connection: the engine of the first published figures. */
  THREADS;

  /** The name on the command line and in reports. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
