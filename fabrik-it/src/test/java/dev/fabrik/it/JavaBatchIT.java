package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.client.Batch;
import dev.fabrik.client.BatchStatus;
import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.ServerErrorException;
import dev.fabrik.protocol.Job;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java client's {@link Batch} against a real server: create with callbacks, push into it,
 * commit, re-open from inside a running job of the batch to add more, read its status, and the
 * callbacks arriving with their batch id.
 */
class JavaBatchIT {

  @Test
  void aBatchRunsToItsCallbacksAndGrowsFromInsideOneOfItsJobs() {
    try (InProcessServer server = InProcessServer.memory();
        Client client = Client.connect(ClientConfig.builder().url(server.url()).build())) {
      Batch batch =
          Batch.builder()
              .description("java import")
              .onComplete(Jobs.builder("ImportDone").queue("callbacks").build())
              .onSuccess(Jobs.builder("ImportOk").queue("callbacks").build())
              .create(client);
      assertThat(batch.bid()).startsWith("b-");
      batch.push(Jobs.of("Import", 1));
      assertThat(batch.pushBulk(List.of(Jobs.of("Import", 2), Jobs.of("Import", 3)))).isEmpty();
      batch.commit();
      assertThat(batch.status().total()).isEqualTo(3);
      assertThatThrownBy(batch::commit).isInstanceOf(ServerErrorException.class);

      // The first job of the batch adds a fourth while it runs.
      Job first = client.fetch("default").orElseThrow();
      String bid = Batch.bidOf(first).orElseThrow();
      assertThat(bid).isEqualTo(batch.bid());
      Batch again = Batch.reopen(client, bid);
      again.push(Jobs.of("Import", 4));
      again.commit();
      client.ack(first.jid());
      for (int i = 0; i < 3; i++) {
        client.ack(client.fetch("default").orElseThrow().jid());
      }

      BatchStatus s = Batch.status(client, bid);
      assertThat(s.total()).isEqualTo(4);
      assertThat(s.pending()).isZero();
      assertThat(s.description()).isEqualTo("java import");
      assertThat(s.complete()).isTrue();
      assertThat(s.succeeded()).isFalse();

      Job done = client.fetch("callbacks").orElseThrow();
      assertThat(done.jobtype()).isEqualTo("ImportDone");
      assertThat(Batch.callbackBidOf(done)).contains(bid);
      client.ack(done.jid());
      assertThat(batch.status().succeeded()).isTrue();
      assertThat(client.fetch("callbacks").orElseThrow().jobtype()).isEqualTo("ImportOk");

      Batch child =
          Batch.builder()
              .parent(bid)
              .onComplete(Jobs.builder("ChildDone").queue("callbacks").build())
              .create(client);
      assertThat(child.status().parentBid()).isEqualTo(bid);
      assertThatThrownBy(() -> Batch.reopen(client, "b-unknown"))
          .isInstanceOf(ServerErrorException.class)
          .hasMessageContaining("unknown batch");
    }
  }
}
