package dev.fabrik.server.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.unique.UniqueClaim;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A PUSH into a batch is two store calls: the membership ({@link BatchStore#join}), then the job.
 * Whatever removes or closes the batch between them (FLUSH, expiry, COMMIT) must not leave a plain
 * job whose {@code custom.bid} names it: the job's store call is refused and stores nothing. Each
 * test makes the calls in the racing order itself, so the interleaving is exact, without threads.
 */
public abstract class BatchJoinRaceContract {
  private static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");
  private static final Instant EXPIRES = T0.plusSeconds(1800);

  protected Store store;
  private BatchStore batches;

  protected abstract Store open() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
    batches = store.batches();
    batches.create(
        BatchRecord.created("b-1", null, "race", T0, EXPIRES, "{\"jobtype\":\"Done\"}", null));
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** A job of queue {@code q} whose {@code custom.bid} names {@code bid} (none when null). */
  public static QueuedJob member(String jid, String bid) {
    String custom = bid == null ? "" : ",\"custom\":{\"bid\":\"" + bid + "\"}";
    String json =
        "{\"jid\":\"" + jid + "\",\"jobtype\":\"W\",\"args\":[],\"queue\":\"q\"" + custom + "}";
    return new QueuedJob(jid, "q", json.getBytes(StandardCharsets.UTF_8));
  }

  private void joined(String jid) {
    assertThat(batches.join("b-1", jid, T0).join()).isTrue();
  }

  private long stored() {
    return store.queueSize("q") + store.setSize(SetName.SCHEDULED);
  }

  @Test
  void aPushWhoseBatchWasFlushedAfterItJoinedIsRefused() {
    joined("j1");
    store.flush();
    assertThatThrownBy(() -> store.enqueue(List.of(member("j1", "b-1"))))
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("unknown batch b-1");
    assertThat(stored()).isZero();
  }

  @Test
  void aPushWhoseBatchExpiredAfterItJoinedIsRefused() {
    joined("j1");
    assertThat(batches.expire(EXPIRES.plusSeconds(1), 10)).containsExactly("b-1");
    assertThatThrownBy(() -> store.enqueueAsync(List.of(member("j1", "b-1"))).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("unknown batch b-1");
    assertThat(stored()).isZero();
  }

  @Test
  void aPushThatJoinedAfterACommitIsRefused() {
    assertThat(batches.commit("b-1")).isTrue();
    assertThat(batches.join("b-1", "j1", T0).join()).isFalse();
    assertThatThrownBy(() -> store.enqueue(List.of(member("j1", "b-1"))))
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("batch b-1 is committed");
    assertThat(stored()).isZero();
  }

  @Test
  void aScheduledPushAndAWholeBulkPushAreRefusedToo() {
    joined("j1");
    joined("j2");
    store.flush();
    assertThatThrownBy(() -> store.addToSet(SetName.SCHEDULED, EXPIRES, member("j1", "b-1")))
        .isInstanceOf(CommandException.class);
    SetEntry later =
        new SetEntry(SetName.SCHEDULED, EXPIRES, "j3", "q", member("j3", null).payload());
    assertThatThrownBy(
            () -> store.push(List.of(member("other", null), member("j2", "b-1")), List.of(later)))
        .isInstanceOf(CommandException.class);
    assertThat(stored()).as("nothing of the bulk push").isZero();
  }

  @Test
  void aUniquePushIsRefusedWithoutTakingItsKey() {
    joined("j1");
    store.flush();
    UniqueClaim claim = new UniqueClaim("key-1", "j1", EXPIRES);
    assertThatThrownBy(
            () ->
                store
                    .uniqueLocks()
                    .pushAsync(List.of(member("j1", "b-1")), List.of(), List.of(claim), T0)
                    .join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("unknown batch b-1");
    assertThat(stored()).isZero();
    assertThat(store.uniqueLocks().find("key-1")).as("the key stays free").isEmpty();
  }

  @Test
  void aMemberStillInItsBatchIsStoredAndARefusalBindsNoOtherJob() {
    joined("j1");
    store.enqueue(List.of(member("j1", "b-1")));
    assertThat(store.queueSize("q")).isEqualTo(1);

    joined("j2");
    store.flush();
    // The same jid pushed again without the batch (or after the refusal) is an ordinary job.
    store.enqueue(List.of(member("j2", null)));
    assertThat(store.queueSize("q")).isEqualTo(1);
  }
}
