package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.batch.BatchStoreContract;
import dev.fabrik.server.batch.MemberState;
import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteBatchStoreTest extends BatchStoreContract {
  @TempDir Path dir;

  @Override
  protected Store open() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }

  @Test
  void batchesAndMembersSurviveARestart() {
    committed("b-1", null, "j1", "j2");
    batches.finish("b-1", "j1", MemberState.FAILED);
    store.close();
    store = SqliteStore.open(dir, Durability.PROCESS_CRASH);
    var b = store.batches().get("b-1").orElseThrow();
    assertThat(b.total()).isEqualTo(2);
    assertThat(b.pending()).isEqualTo(1);
    assertThat(b.failed()).isEqualTo(1);
  }

  @Test
  void membersWhoseJobVanishedAreSettled() {
    vanishedMembersAreSettledAfterACrash();
  }
}
