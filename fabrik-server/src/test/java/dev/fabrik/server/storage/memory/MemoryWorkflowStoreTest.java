package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.workflow.WorkflowStoreContract;

class MemoryWorkflowStoreTest extends WorkflowStoreContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }

  @Override
  protected boolean keepsStateAcrossCrashes() {
    return false;
  }
}
