package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.ProtocolConnection;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The npm client faktory-worker against two server nodes on one PostgreSQL schema: what a client
 * pushes through one node is worked by a worker that only knows the other. (Quiet and terminate
 * through the node the worker is not connected to are tested with the cluster's worker registry.)
 */
class PgTwoNodeIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int JOBS = 40;

  private PgSchema schema;
  private InProcessServer nodeA;
  private InProcessServer nodeB;

  @BeforeEach
  void startTwoNodes() {
    schema = PgSchema.fresh("it_two_nodes");
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
  void jobsPushedOnOneNodeAreWorkedOnTheOther() {
    JsonNode ok =
        NodeScript.run("two-nodes.js", nodeA.url(), TIMEOUT, nodeB.url(), Integer.toString(JOBS));

    assertThat(ok.path("pushed").asInt()).isEqualTo(JOBS);
    assertThat(ok.path("ran").asInt()).isEqualTo(JOBS + 5);
    // B's blocked FETCH hears of A's commit by NOTIFY: well under its 2 s FETCH wait and any poll.
    assertThat(ok.path("medianWakeMs").asLong())
        .as("wake-ups %s", ok.path("wakeMs"))
        .isLessThan(250);
    // Both nodes report the cluster's figures, whichever node did the work.
    for (InProcessServer node : new InProcessServer[] {nodeA, nodeB}) {
      try (ProtocolConnection conn = node.connect()) {
        JsonNode info = Wire.info(conn);
        assertThat(Wire.processed(info)).isEqualTo(JOBS + 5);
        assertThat(Wire.queueSize(info, "two-nodes")).isZero();
      }
    }
  }
}
