package dev.fabrik.server.unique;

import dev.fabrik.server.storage.Durability;

/** The contract on SQLite with {@code synchronous=FULL}. */
class SqliteStrictUniqueLocksTest extends SqliteUniqueLocksTest {
  @Override
  protected Durability durability() {
    return Durability.POWER_LOSS;
  }
}
