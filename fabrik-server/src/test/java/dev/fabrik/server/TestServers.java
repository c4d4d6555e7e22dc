package dev.fabrik.server;

import dev.fabrik.server.config.ServerConfig;
import java.time.Clock;
import java.time.Duration;

/** Servers for tests: memory store, loopback, ephemeral ports, short waits. */
public final class TestServers {
  private TestServers() {}

  public static ServerConfig.Builder config() {
    return ServerConfig.builder()
        .bindHost("127.0.0.1")
        .port(0)
        .webBindHost("127.0.0.1")
        .webPort(-1)
        .storage("memory")
        .fetchWait(Duration.ofMillis(200))
        .handshakeTimeout(Duration.ofSeconds(2));
  }

  public static FabrikServer start(ServerConfig config) {
    return start(config, Clock.systemUTC());
  }

  public static FabrikServer start(ServerConfig config, Clock clock) {
    FabrikServer server = new FabrikServer(config, clock);
    server.start();
    return server;
  }
}
