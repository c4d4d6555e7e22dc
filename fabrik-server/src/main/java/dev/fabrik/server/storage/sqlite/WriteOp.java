package dev.fabrik.server.storage.sqlite;

import java.sql.SQLException;

/**
 * One write, run by the writer thread inside a (possibly shared) transaction. It changes only the
 * database and the writer's own bookkeeping; what others may see changes in {@link Tx#onCommit}
 * hooks, which run only once the transaction committed.
 */
@FunctionalInterface
interface WriteOp<T> {
  T apply(Tx tx) throws SQLException;
}
