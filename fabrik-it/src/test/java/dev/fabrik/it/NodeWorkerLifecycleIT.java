package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.ProtocolConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A faktory-worker process under operator control: it heartbeats, it stops fetching when the
 * operator quiets it through the admin API, and it shuts itself down when terminated.
 */
class NodeWorkerLifecycleIT {
  @TempDir Path dataDir;

  @Test
  void heartbeatQuietAndTerminateReachTheNodeWorker() {
    String wid = "it-" + UUID.randomUUID().toString().substring(0, 8);
    try (InProcessServer server = InProcessServer.defaultStore(dataDir);
        ProtocolConnection producer = server.connect()) {
      NodeScript.Running worker =
          NodeScript.start("quiet-terminate.js", server.url(), Duration.ofSeconds(60), wid);
      try {
        worker.awaitEvent("working");
        AdminApi admin = server.admin();

        // Heartbeat: the worker is listed, and its last beat moves (the script beats every 1 s).
        JsonNode first =
            await("worker listed in GET /api/workers")
                .atMost(Duration.ofSeconds(10))
                .until(() -> admin.worker(wid).orElse(null), w -> w != null);
        String firstBeat = lastBeat(first);
        await("a later heartbeat")
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> admin.worker(wid).map(NodeWorkerLifecycleIT::lastBeat).orElse(""),
                beat -> !beat.isEmpty() && !beat.equals(firstBeat));

        Wire.push(producer, Wire.job("default", "Work", 1));
        assertThat(worker.awaitEvent("ran").path("n").asInt()).isEqualTo(1);

        admin.signal(wid, "quiet");
        worker.awaitEvent("quiet"); // the worker saw the state and no FETCH of it is in flight
        assertThat(admin.worker(wid).orElseThrow().path("state").asString()).isEqualTo("quiet");
        Wire.push(producer, Wire.job("default", "Work", 2));
        // A negative needs a window: longer than a FETCH's blocking wait (2 s).
        await("the quiet worker to leave the job queued")
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(6))
            .until(() -> Wire.queueSize(Wire.info(producer), "default") == 1);

        admin.signal(wid, "terminate");
        worker.awaitEvent("stopping");
        JsonNode ok = worker.awaitOk(); // exit code 0, and the process ended by itself
        assertThat(ok.path("ran").toString()).isEqualTo("[1]");
        assertThat(Wire.queueSize(Wire.info(producer), "default")).isEqualTo(1);
      } finally {
        worker.kill();
      }
    }
  }

  /** The worker's last-heartbeat field, whatever the API calls it (lastBeat, last_beat...). */
  private static String lastBeat(JsonNode worker) {
    for (String name : worker.propertyNames()) {
      String key = name.toLowerCase().replace("_", "");
      if (key.equals("lastbeat") || key.equals("lastheartbeat") || key.equals("beat")) {
        return worker.get(name).toString();
      }
    }
    throw new AssertionError("no last-heartbeat field in " + worker);
  }
}
