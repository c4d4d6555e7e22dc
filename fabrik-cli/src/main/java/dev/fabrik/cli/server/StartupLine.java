package dev.fabrik.cli.server;

import dev.fabrik.server.config.DurabilityNames;
import dev.fabrik.server.config.ServerConfig;

/**
 * The one line an operator reads after start:
 *
 * <pre>
 * fabrik listening on 127.0.0.1:7419 (web 127.0.0.1:7420), storage sqlite at /home/u/.fabrik/data, durability normal
 * fabrik listening on ..., storage postgres at jdbc:postgresql://db:5432/app (user u, password ***), schema fabrik, pool 10
 * </pre>
 */
final class StartupLine {
  private StartupLine() {}

  /** Uses the ports actually bound (port 0 in the config means "any free port"). */
  static String of(ServerConfig config, int port, int webPort) {
    StringBuilder s = new StringBuilder("fabrik listening on ");
    s.append(hostPort(config.bindHost(), port));
    if (config.tls() != null) {
      s.append(" with TLS");
    }
    s.append(
        webPort >= 0 && config.webPort() >= 0
            ? " (web " + hostPort(config.webBindHost(), webPort) + ")"
            : " (web off)");
    s.append(", storage ").append(config.storage());
    if (config.storage().equals("sqlite")) {
      s.append(" at ").append(config.dataDir().toAbsolutePath());
    }
    if (config.database() != null) {
      s.append(" at ").append(config.database()); // redacted: no password
    }
    // On PostgreSQL what a commit survives is the database's setting (synchronous_commit), not
    // ours.
    if (config.database() == null) {
      s.append(", durability ").append(DurabilityNames.name(config.durability()));
    }
    if (config.hasPassword()) {
      s.append(", password required");
    }
    return s.toString();
  }

  private static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
