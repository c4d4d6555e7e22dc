package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.ProtocolConnection;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** 10,000 jobs through a faktory-worker at concurrency 20 on the default (SQLite) store. */
class NodeLoadIT {
  private static final int JOBS = 10_000;

  @TempDir Path dataDir;

  @Test
  void everyJobRunsExactlyOnce() {
    try (InProcessServer server = InProcessServer.defaultStore(dataDir)) {
      JsonNode ok =
          NodeScript.run("load.js", server.url(), Duration.ofSeconds(180), "" + JOBS, "20");

      assertThat(ok.path("runs").asInt()).isEqualTo(JOBS);
      assertThat(ok.path("distinct").asInt()).isEqualTo(JOBS);
      assertThat(ok.path("maxInFlight").asInt()).isBetween(2, 20);
      try (ProtocolConnection conn = server.connect()) {
        JsonNode info = Wire.info(conn);
        assertThat(Wire.processed(info)).isEqualTo(JOBS);
        assertThat(Wire.queueSize(info, "load")).isZero();
        assertThat(info.path("faktory").path("total_failures").asLong()).isZero();
      }
    }
  }
}
