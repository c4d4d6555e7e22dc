package dev.fabrik.server.fate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.Store;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobFates} must do, reached as {@link Store#fates()}: a FAIL whose discard
 * carries a time records it with the job's deletion; nothing else does. Subclasses open a fresh,
 * empty store.
 */
public abstract class JobFatesContract {
  protected static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");

  protected Store store;
  protected JobFates fates;

  protected abstract Store open() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
    fates = store.fates();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private void running(String... jids) {
    for (String jid : jids) {
      byte[] payload =
          ("{\"jid\":\"" + jid + "\",\"jobtype\":\"W\",\"args\":[],\"custom\":{\"bid\":\"b-1\"}}")
              .getBytes(StandardCharsets.UTF_8);
      store.enqueue(List.of(new QueuedJob(jid, "q", payload)));
      assertThat(store.reserve(List.of("q"), "w1", T0, p -> T0.plusSeconds(60))).isPresent();
    }
  }

  @Test
  void aDiscardWithATimeIsRecordedWithTheJobsRemoval() {
    running("kept", "plain", "retried", "dead");
    assertThat(store.fail("kept", r -> new FailureDecision.Discard(T0))).isPresent();
    assertThat(store.fail("plain", r -> new FailureDecision.Discard())).isPresent();
    store.fail("retried", r -> new FailureDecision.Retry(T0.plusSeconds(60), r.payload()));
    store.fail("dead", r -> new FailureDecision.Dead(T0.plusSeconds(60), r.payload()));

    assertThat(fates.discardedAt("kept")).contains(T0);
    assertThat(fates.discardedAt("plain")).isEmpty();
    assertThat(fates.discardedAt("retried")).isEmpty();
    assertThat(fates.discardedAt("dead")).isEmpty();
    assertThat(store.setSize(SetName.DEAD)).isOne();
  }

  @Test
  void aRefusedDecisionRecordsNothing() {
    running("j1");
    try {
      store.fail(
          "j1",
          r -> {
            throw new IllegalStateException("no decision");
          });
    } catch (IllegalStateException expected) {
      // the reservation is held as before, and no fate was written
    }
    assertThat(fates.discardedAt("j1")).isEmpty();
  }

  @Test
  void fatesArePurgedAtOrBeforeTheCutOffInChunks() {
    running("a", "b", "c");
    store.fail("a", r -> new FailureDecision.Discard(T0));
    store.fail("b", r -> new FailureDecision.Discard(T0.plusSeconds(1)));
    store.fail("c", r -> new FailureDecision.Discard(T0.plusSeconds(10)));

    assertThat(fates.purge(T0.minusSeconds(1), 10)).isZero();
    assertThat(fates.purge(T0.plusSeconds(1), 1)).isOne();
    assertThat(fates.purge(T0.plusSeconds(1), 10)).isOne();
    assertThat(fates.discardedAt("a")).isEmpty();
    assertThat(fates.discardedAt("b")).isEmpty();
    assertThat(fates.discardedAt("c")).contains(T0.plusSeconds(10));
  }

  @Test
  void flushWipesThem() {
    running("a");
    store.fail("a", r -> new FailureDecision.Discard(T0));
    store.flush();
    assertThat(fates.discardedAt("a")).isEmpty();
  }
}
