package dev.fabrik.embedded;

import java.time.Duration;

/**
 * The started server as the Java 17 side sees it. {@link ServerBoot} (Java 25 bytecode) implements
 * it; nothing else in the Java 17 classes names a server type, so they load on any JVM.
 */
interface RunningServer {
  int port();

  /** The web port, or -1 when the web listener is off. */
  int webPort();

  /** Stops accepting, lets in-flight commands finish (up to {@code timeout}), closes storage. */
  void stop(Duration timeout);
}
