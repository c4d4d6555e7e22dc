package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.cluster.SharedWorkers;
import dev.fabrik.server.cluster.SharedWorkersContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

class PgSharedWorkersTest extends SharedWorkersContract {
  private final List<PgDatabase> opened = new ArrayList<>();

  @Override
  protected SharedWorkers shared() {
    PgDatabase db = PgTestDatabase.migrated("workers", 4);
    opened.add(db);
    return new PgSharedWorkers(db);
  }

  /** The statements {@code detached} runs on a virtual thread, run here so the test can look. */
  @Override
  protected void detach(SharedWorkers workers, String wid) {
    ((PgSharedWorkers) workers).detachNow(wid);
  }

  @AfterEach
  void drop() {
    for (PgDatabase db : opened) {
      PgTestDatabase.drop(db);
      db.close();
    }
  }
}
