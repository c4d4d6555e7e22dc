package dev.fabrik.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh server on the default (SQLite) store in this JVM for each test, closed after it. */
abstract class ServerPerTest {
  @TempDir Path dataDir;
  InProcessServer server;

  @BeforeEach
  void startServer() {
    server = InProcessServer.defaultStore(dataDir);
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }
}
