package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.Workflow;
import dev.fabrik.protocol.Job;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two server nodes on one PostgreSQL schema: a dependency ACKed on A releases its dependent on B.
 */
class PgWorkflowIT {
  private PgSchema schema;
  private InProcessServer nodeA;
  private InProcessServer nodeB;

  @BeforeEach
  void startTwoNodes() {
    schema = PgSchema.fresh("it_workflow");
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

  private static Client connect(InProcessServer node) {
    return Client.connect(ClientConfig.builder().url(node.url()).build());
  }

  @Test
  void aDependencyAckedOnOneNodeReleasesTheDependentFetchedOnTheOther() throws Exception {
    try (Client a = connect(nodeA);
        Client b = connect(nodeB)) {
      Job first = Jobs.builder("Step").queue("pg-flow").args("first").build();
      Job second = Jobs.builder("Step").queue("pg-flow").args("second").build();
      Workflow.builder().step(first).then(second).build().push(a);

      assertThat(a.fetch("pg-flow").map(Job::jid)).contains(first.jid());
      // nothing else is fetchable while first runs: second is held
      assertThat(b.info().queueSize("pg-flow")).isZero();
      CompletableFuture<Optional<Job>> waiting =
          CompletableFuture.supplyAsync(
              () -> {
                try (Client c = connect(nodeB)) {
                  return c.fetch("pg-flow");
                }
              });
      a.ack(first.jid());
      Optional<Job> got = waiting.get();
      if (got.isEmpty()) {
        got = b.fetch("pg-flow"); // the release landed after that FETCH's wait
      }
      assertThat(got.map(Job::jid)).contains(second.jid());
      b.ack(second.jid());
    }
  }
}
