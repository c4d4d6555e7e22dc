package dev.fabrik.server.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.postgres.PgSchemas;
import dev.fabrik.server.storage.postgres.PostgresStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.node.ObjectNode;

/** The contract on PostgreSQL, and two nodes' sweeps racing over the same vanished members. */
class PostgresVanishedMembersTest extends VanishedMembersContract {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("vanished");

  @Override
  protected Store open() {
    return schemas.newStore();
  }

  /**
   * 300 members deleted by an operator; both nodes' sweeps run at once, three times each: every
   * member is settled, the complete callback is pushed once, by one of them.
   */
  @Test
  void twoNodesSweepingAtOnceSettleEachMemberAndFireTheCallbackOnce() {
    onTwoNodes(
        (other, otherNode) -> {
          String bid = newBatch();
          int count = 300;
          for (int i = 0; i < count; i++) {
            push("deleted-%03d".formatted(i), bid);
          }
          batches.commit(bid);
          for (int i = 0; i < count; i++) {
            assertThat(store.singleJobs().deleteQueued("members", "deleted-%03d".formatted(i)))
                .isTrue();
          }
          clock.advance(LATER);
          List<CompletableFuture<Void>> sweeps =
              List.of(batches, otherNode).stream()
                  .map(
                      node ->
                          CompletableFuture.runAsync(
                              () -> {
                                for (int k = 0; k < 3; k++) {
                                  node.sweepNow();
                                }
                              }))
                  .toList();
          sweeps.forEach(CompletableFuture::join);

          assertEveryMemberSucceededAndTheCallbackFiredOnce(otherNode.status(bid), otherNode);
        });
  }

  /**
   * ACKs reported on this node while the other node's sweeps settle the deleted half of the
   * members: each member counts once (as succeeded), and the complete callback is pushed once.
   */
  @Test
  void acksReportedWhileAnotherNodeSweepsCountOnceAndTheCallbackFiresOnce() {
    onTwoNodes(
        (other, otherNode) -> {
          String bid = newBatch();
          int count = 200;
          for (int i = 0; i < count; i++) {
            push("member-%03d".formatted(i), bid);
          }
          batches.commit(bid);
          for (int i = 0; i < count; i += 2) {
            assertThat(store.singleJobs().deleteQueued("members", "member-%03d".formatted(i)))
                .isTrue();
          }
          clock.advance(LATER);
          CompletableFuture<Void> acks =
              CompletableFuture.runAsync(
                  () -> {
                    for (int i = 1; i < count; i += 2) {
                      ackNextMember();
                    }
                  });
          do {
            otherNode.sweepNow();
          } while (!acks.isDone());
          acks.join();
          batches.sweepNow();
          otherNode.sweepNow();

          assertThat(batches.status(bid).total()).isEqualTo(count);
          assertEveryMemberSucceededAndTheCallbackFiredOnce(batches.status(bid), otherNode);
        });
  }

  /**
   * Twenty child batches whose complete callbacks were ACKed on this node, their reports arriving
   * while the other node's sweeps (each callback already found vanished once, the grace past) count
   * them as done: each callback counts once, each child's success callback is pushed once, and the
   * parent, waiting for all twenty, pushes its complete callback once.
   */
  @Test
  void callbackAcksReportedWhileAnotherNodeSweepsCountOnceAndTheParentProgressesOnce() {
    onTwoNodes(
        (other, otherNode) -> {
          String parent = newBatch();
          int children = 20;
          List<String> kids = new ArrayList<>();
          for (int i = 0; i < children; i++) {
            String kid =
                batches.create(new BatchRequest(null, parent, callbackJob(), callbackJob()));
            push("member-%02d".formatted(i), kid);
            batches.commit(kid);
            kids.add(kid);
          }
          batches.commit(parent);
          for (int i = 0; i < children; i++) {
            ackNextMember();
          }
          batches.sweepNow();
          List<Reservation> acked = new ArrayList<>();
          for (int i = 0; i < children; i++) {
            Reservation r = fetch("kids");
            assertThat(store.acknowledge(r.jid())).isPresent();
            acked.add(r);
          }
          otherNode.sweepNow();
          clock.advance(LATER);
          CompletableFuture<Void> reports =
              CompletableFuture.runAsync(() -> acked.forEach(hooks::acknowledged));
          do {
            otherNode.sweepNow();
          } while (!reports.isDone());
          reports.join();
          batches.sweepNow();
          otherNode.sweepNow();

          for (String kid : kids) {
            BatchRecord b = batches.status(kid);
            assertThat(b.completeSt()).isEqualTo(BatchRecord.DONE);
            assertThat(b.successSt()).isEqualTo(BatchRecord.ENQUEUED);
          }
          assertThat(batches.status(parent).completeSt()).isEqualTo(BatchRecord.ENQUEUED);
          assertThat(store.queueSize("kids"))
              .as("each child's success callback")
              .isEqualTo(children);
          assertThat(store.queueSize("callbacks"))
              .as("the parent's complete callback")
              .isEqualTo(1);
          assertThat(batches.callbacksPushed() + otherNode.callbacksPushed())
              .isEqualTo(2L * children + 1);
        });
  }

  private void assertEveryMemberSucceededAndTheCallbackFiredOnce(BatchRecord b, Batches otherNode) {
    assertThat(b.pending()).isZero();
    assertThat(b.failed()).isZero();
    assertThat(b.completeSt()).isEqualTo(BatchRecord.ENQUEUED);
    assertThat(batches.callbacksPushed() + otherNode.callbacksPushed()).isEqualTo(1);
    assertThat(store.queueSize("callbacks")).isEqualTo(1);
  }

  /** Runs {@code test} with a second node (its own store and batches service) on this schema. */
  private void onTwoNodes(java.util.function.BiConsumer<PostgresStore, Batches> test) {
    try (PostgresStore other = schemas.reopen((PostgresStore) store)) {
      Batches otherNode = service(other);
      try {
        test.accept(other, otherNode);
      } finally {
        otherNode.stop(Duration.ofSeconds(5));
      }
    }
  }

  private static ObjectNode callbackJob() {
    return (ObjectNode) JobCodec.MAPPER.readTree("{\"jobtype\":\"Kid\",\"queue\":\"kids\"}");
  }
}
