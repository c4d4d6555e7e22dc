package dev.fabrik.it;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A {@link FabrikServer} running inside the test JVM on 127.0.0.1 with free ports (command and
 * web). Everything else stays at its default: client-compatibility tests must see the real FETCH
 * wait and timers, not test-tuned ones.
 */
final class InProcessServer implements AutoCloseable {
  private final FabrikServer server;
  private final ServerConfig config;

  private InProcessServer(ServerConfig config) {
    this.config = config;
    this.server = FabrikServer.start(config);
  }

  /**
   * The default store (SQLite) in {@code dataDir}; {@code -Dfabrik.it.storage=memory} runs the same
   * tests on the memory store instead.
   */
  static InProcessServer defaultStore(Path dataDir) {
    return start(base().dataDir(dataDir));
  }

  static InProcessServer memory() {
    return start(base().storage("memory"));
  }

  /** Starts from {@link #base()} plus whatever the test changed (a password, say). */
  static InProcessServer start(ServerConfig.Builder config) {
    return new InProcessServer(config.build());
  }

  /**
   * Defaults except the listeners (loopback, free ports, web API on) and the store named by {@code
   * -Dfabrik.it.storage} (sqlite unless told otherwise; sqlite still needs a data dir).
   */
  static ServerConfig.Builder base() {
    return ServerConfig.builder()
        .bindHost("127.0.0.1")
        .port(0)
        .webBindHost("127.0.0.1")
        .webPort(0)
        .storage(System.getProperty("fabrik.it.storage", "sqlite"));
  }

  int port() {
    return server.port();
  }

  int webPort() {
    return server.webPort();
  }

  /** What a Node/Go/Ruby client reads from FAKTORY_URL. */
  String url() {
    return "tcp://127.0.0.1:" + port();
  }

  String url(String password) {
    return "tcp://:" + password + "@127.0.0.1:" + port();
  }

  ProtocolConnection connect() {
    return ProtocolConnection.open(
        ConnectionOptions.builder()
            .host("127.0.0.1")
            .port(port())
            .password(config.password())
            .hostname("fabrik-it")
            .build());
  }

  /** Writes the job history's counts now instead of at the next 5 s flush. */
  void flushHistory() {
    server.jobHistory().flush();
  }

  AdminApi admin() {
    return new AdminApi(webPort());
  }

  @Override
  public void close() {
    server.stop(Duration.ofSeconds(10));
  }
}
