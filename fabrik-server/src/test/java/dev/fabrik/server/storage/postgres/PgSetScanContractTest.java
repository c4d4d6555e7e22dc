package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.SetScanContract;
import dev.fabrik.server.storage.Store;

/**
 * SetScanContract on {@link PgSets} alone ({@link PgSetsAsStore}). PostgresStoreTest runs the whole
 * contract on the finished store; this one pins the sets down on their own.
 */
class PgSetScanContractTest extends SetScanContract {
  @Override
  protected Store open() {
    return PgSetsAsStore.open("pgscan");
  }
}
