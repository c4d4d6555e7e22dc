package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.ProtocolConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one body per connection on its own thread. Connections are opened before the clock starts so
 * a phase measures the server's work, not TCP and HELLO handshakes.
 */
final class Parallel {
  /** A loop that drives one connection until the phase's shared work is used up. */
  interface Body {
    void run(ProtocolConnection conn);
  }

  private Parallel() {}

  /** Returns the wall time from the start of the first body to the end of the last one. */
  static Duration run(ConnectionOptions options, int connections, Tally tally, Body body) {
    List<ProtocolConnection> conns = new ArrayList<>(connections);
    try {
      for (int i = 0; i < connections; i++) {
        conns.add(ProtocolConnection.open(options));
      }
      List<Thread> threads = new ArrayList<>(connections);
      long start = System.nanoTime();
      for (int i = 0; i < connections; i++) {
        ProtocolConnection conn = conns.get(i);
        threads.add(
            Thread.ofPlatform()
                .name("bench-" + i)
                .start(
                    () -> {
                      try {
                        body.run(conn);
                      } catch (RuntimeException e) {
                        tally.error(e.toString());
                      }
                    }));
      }
      for (Thread t : threads) {
        t.join();
      }
      return Duration.ofNanos(System.nanoTime() - start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      conns.forEach(ProtocolConnection::close);
    }
  }
}
