package dev.fabrik.embedded;

import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.config.ServerConfig;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the server through FabrikServer's own start path (the one {@code fabrik server} uses); the
 * only Java 25 class of this module, loaded by {@link EmbeddedFabrik} once the JVM is known to be
 * 25+.
 */
final class ServerBoot implements RunningServer {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedFabrik.class);

  private final FabrikServer server;

  private ServerBoot(FabrikServer server) {
    this.server = server;
  }

  /** Called reflectively by {@link EmbeddedFabrik#start(EmbeddedOptions)}. */
  static RunningServer boot(EmbeddedOptions options) {
    ServerConfig.Builder config =
        ServerConfig.builder()
            .bindHost("127.0.0.1")
            .port(options.port())
            .webBindHost("127.0.0.1")
            .webPort(options.webPort())
            .password(options.password())
            .storage(options.storage() == EmbeddedOptions.Storage.SQLITE ? "sqlite" : "memory");
    if (options.dataDir() != null) {
      config.dataDir(options.dataDir());
    }
    // The application owns this JVM: a fatal error on a server thread is logged and stops that
    // thread's work, it does not halt the process the way the standalone server does.
    FabrikServer server =
        new FabrikServer(
            config.build(),
            Clock.systemUTC(),
            (where, error) -> log.error("embedded Fabrik: fatal {} in {}", error, where, error));
    server.start();
    return new ServerBoot(server);
  }

  @Override
  public int port() {
    return server.port();
  }

  @Override
  public int webPort() {
    return server.webPort();
  }

  @Override
  public void stop(Duration timeout) {
    server.stop(timeout);
  }
}
