package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The notes of {@link PgBatchJoins}: a note whose PUSH was refused at its join is never removed by
 * a commit, so old ones are swept once many piled up; young ones stay (their PUSH may still be
 * storing its job).
 */
class PgBatchJoinsTest {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgjoinnotes");

  private PostgresStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void staleNotesGoOnceManyPiledUpAndYoungOnesStay() {
    store = schemas.newStore();
    AtomicLong now = new AtomicLong();
    PgBatchJoins joins = new PgBatchJoins(store.database(), now::get);
    for (int i = 0; i < PgBatchJoins.SWEEP_ABOVE - 1; i++) {
      joins.joining("b-1", "old-" + i);
    }
    now.set(PgBatchJoins.STALE_NANOS);
    joins.joining("b-1", "young");
    assertThat(joins.noted("old-0")).as("not swept below the threshold").isTrue();

    now.set(PgBatchJoins.STALE_NANOS + 1);
    joins.joining("b-1", "fresh");
    assertThat(joins.noted("old-0")).isFalse();
    assertThat(joins.noted("old-" + (PgBatchJoins.SWEEP_ABOVE - 2))).isFalse();
    assertThat(joins.noted("young")).isTrue();
    assertThat(joins.noted("fresh")).isTrue();

    joins.left("other-batch", "fresh");
    assertThat(joins.noted("fresh")).as("only its own batch's leave removes it").isTrue();
    joins.left("b-1", "fresh");
    assertThat(joins.noted("fresh")).isFalse();
  }
}
