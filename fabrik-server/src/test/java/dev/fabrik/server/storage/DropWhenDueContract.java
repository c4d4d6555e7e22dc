package dev.fabrik.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Store#enqueueDue} with a {@code restamp} that returns null for some entries: those are
 * deleted from their set and never queued (expiring jobs drop a scheduled job or a retry whose
 * expiry passed this way), in the same atomic step as the entries moved beside them.
 */
public abstract class DropWhenDueContract {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  protected Store store;

  /** A new, empty store. */
  protected abstract Store open() throws Exception;

  /** The same store closed and opened again, or the store itself when it keeps nothing. */
  protected abstract Store reopen(Store closing) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  private static byte[] payload(String jid) {
    return ("{\"jid\":\"" + jid + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static byte[] dropExpired(byte[] payload) {
    return text(payload).contains("expired") ? null : payload;
  }

  @Test
  void aNullRestampDeletesTheEntryAndQueuesTheOthers() throws Exception {
    for (SetName set : List.of(SetName.SCHEDULED, SetName.RETRIES)) {
      store.addToSet(set, T0, new QueuedJob("keep-" + set, "q", payload("keep-" + set)));
      store.addToSet(
          set, T0.plusSeconds(1), new QueuedJob("expired-" + set, "q", payload("expired-" + set)));
      store.addToSet(
          set, T0.plusSeconds(60), new QueuedJob("later-" + set, "q", payload("later-" + set)));

      int left = store.enqueueDue(set, T0.plusSeconds(2), 10, DropWhenDueContract::dropExpired);

      assertThat(left).as("moved and dropped both leave the set").isEqualTo(2);
      assertThat(store.setSize(set)).isEqualTo(1);
    }
    store = reopen(store);
    assertThat(store.browse("q", 0, 10))
        .extracting(QueuedJob::jid)
        .containsExactly("keep-SCHEDULED", "keep-RETRIES");
    assertThat(store.queueSize("q")).isEqualTo(2);
    assertThat(store.setSize(SetName.SCHEDULED)).isEqualTo(1);
    assertThat(store.setSize(SetName.RETRIES)).isEqualTo(1);
    assertThat(store.enqueueDue(SetName.SCHEDULED, T0.plusSeconds(2), 10, p -> p)).isZero();
  }

  @Test
  void aPassWhereEveryEntryIsDroppedQueuesNothingAndCountsThemAll() throws Exception {
    for (int i = 0; i < 5; i++) {
      String jid = "expired-" + i;
      store.addToSet(SetName.SCHEDULED, T0.plusSeconds(i), new QueuedJob(jid, "q", payload(jid)));
    }
    assertThat(store.enqueueDue(SetName.SCHEDULED, T0.plusSeconds(10), 3, p -> null)).isEqualTo(3);
    assertThat(store.enqueueDue(SetName.SCHEDULED, T0.plusSeconds(10), 3, p -> null)).isEqualTo(2);
    store = reopen(store);
    assertThat(store.setSize(SetName.SCHEDULED)).isZero();
    assertThat(store.queueSize("q")).isZero();
    assertThat(store.reserve(List.of("q"), "w", T0, p -> T0.plusSeconds(60))).isEmpty();
  }
}
