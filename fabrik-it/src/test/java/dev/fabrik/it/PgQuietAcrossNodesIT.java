package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.ProtocolConnection;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The npm client faktory-worker connected only to node B is quieted, then terminated, through node
 * A's admin API (two nodes on one PostgreSQL schema): A lists the worker, B answers its next
 * heartbeat with the state set through A, the worker stops fetching and then shuts down.
 */
class PgQuietAcrossNodesIT {
  private PgSchema schema;
  private InProcessServer nodeA;
  private InProcessServer nodeB;

  @BeforeEach
  void startTwoNodes() {
    schema = PgSchema.fresh("it_quiet_across");
    nodeA = InProcessServer.start(schema.node());
    nodeB = InProcessServer.start(schema.node());
  }

  @AfterEach
  void stopNodes() {
    for (InProcessServer node : new InProcessServer[] {nodeA, nodeB}) {
      if (node != null) {
        node.close();
      }
    }
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void quietAndTerminateThroughTheNodeTheWorkerIsNotConnectedTo() {
    String wid = "it-" + UUID.randomUUID().toString().substring(0, 8);
    NodeScript.Running worker =
        NodeScript.start("quiet-terminate.js", nodeB.url(), Duration.ofSeconds(60), wid);
    try (ProtocolConnection producerOnA = nodeA.connect()) {
      worker.awaitEvent("working");
      AdminApi adminA = nodeA.admin();
      await("node A lists the worker connected to B")
          .atMost(Duration.ofSeconds(10))
          .until(() -> adminA.worker(wid).isPresent());

      Wire.push(producerOnA, Wire.job("default", "Work", 1));
      assertThat(worker.awaitEvent("ran").path("n").asInt()).isEqualTo(1);

      adminA.signal(wid, "quiet");
      worker.awaitEvent("quiet"); // B's BEAT reply carried the state set through A
      JsonNode seenOnB = nodeB.admin().worker(wid).orElseThrow();
      assertThat(seenOnB.path("state").asString()).isEqualTo("quiet");
      Wire.push(producerOnA, Wire.job("default", "Work", 2));
      // A negative needs a window: longer than a FETCH's blocking wait (2 s).
      await("the quiet worker to leave the job queued")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(6))
          .until(() -> Wire.queueSize(Wire.info(producerOnA), "default") == 1);

      adminA.signal(wid, "terminate");
      worker.awaitEvent("stopping");
      JsonNode ok = worker.awaitOk();
      assertThat(ok.path("ran").toString()).isEqualTo("[1]");
    } finally {
      worker.kill();
    }
  }
}
