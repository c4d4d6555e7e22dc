package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.cluster.NodeStore;
import dev.fabrik.server.cluster.NodeStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

class PgNodeStoreTest extends NodeStoreContract {
  private final List<PgDatabase> opened = new ArrayList<>();

  @Override
  protected NodeStore store() {
    PgDatabase db = PgTestDatabase.migrated("nodes", 2);
    opened.add(db);
    return new PgNodeStore(db);
  }

  @AfterEach
  void drop() {
    for (PgDatabase db : opened) {
      PgTestDatabase.drop(db);
      db.close();
    }
  }
}
