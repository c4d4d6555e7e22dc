package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.Store;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * {@link PgSets} seen as a {@link Store}, for the set model test ({@link PgSetsModelTest}), which
 * checks the sets alone against the memory model: the set methods go to PgSets, {@code enqueue},
 * {@code browse} and {@code queueSize} are answered with plain SQL on the jobs table, {@code close}
 * drops the schema; every other method throws. (The whole store, SetScanContract included, runs in
 * PostgresStoreTest.)
 */
final class PgSetsAsStore {
  private PgSetsAsStore() {}

  /** A store on a fresh schema. */
  static Store open(String prefix) {
    PgDatabase db = PgTestDatabase.migrated(prefix, 4);
    PgInserts inserts = new PgInserts(db);
    PgSets sets = new PgSets(db, inserts, (q, n) -> {});
    InvocationHandler handler =
        (proxy, method, args) -> {
          try {
            return dispatch(db, inserts, sets, proxy, method, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (Store)
        Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, handler);
  }

  @SuppressWarnings("unchecked")
  private static Object dispatch(
      PgDatabase db, PgInserts inserts, PgSets sets, Object proxy, Method m, Object[] a)
      throws Throwable {
    return switch (m.getName()) {
      case "addToSet" -> {
        sets.add((SetName) a[0], (Instant) a[1], (QueuedJob) a[2]);
        yield null;
      }
      case "addAllToSet" -> {
        sets.addAll((List<SetEntry>) a[0]);
        yield null;
      }
      case "setSize" -> sets.size((SetName) a[0]);
      case "enqueueDue" ->
          sets.enqueueDue((SetName) a[0], (Instant) a[1], (int) a[2], (UnaryOperator<byte[]>) a[3]);
      case "purgeDue" -> sets.purgeDue((SetName) a[0], (Instant) a[1], (int) a[2]);
      case "trim" -> sets.trim((SetName) a[0], (long) a[1]);
      case "mutate" ->
          switch (a[1]) {
            case Predicate<?> p ->
                sets.mutate((SetName) a[0], (Predicate<SetEntry>) p, (Mutation) a[2]);
            case SetQuery q -> sets.mutate((SetName) a[0], q, (Mutation) a[2]);
            case Collection<?> keys ->
                sets.mutate((SetName) a[0], (Collection<SetEntry.Key>) keys, (Mutation) a[2]);
            default -> throw new IllegalArgumentException(String.valueOf(a[1]));
          };
      case "scan" ->
          a.length == 4
              ? sets.scan((SetName) a[0], (SetQuery) a[1], (SetEntry.Key) a[2], (int) a[3])
              : InvocationHandler.invokeDefault(proxy, m, a);
      case "find" -> sets.find((SetName) a[0], (SetEntry.Key) a[1]);
      case "enqueue" -> {
        try (Connection c = db.connection()) {
          inserts.jobs(c, (List<QueuedJob>) a[0]);
        }
        yield null;
      }
      case "browse" ->
          browse(db, (String) a[0]).stream().skip((long) a[1]).limit((int) a[2]).toList();
      case "queueSize" -> (long) browse(db, (String) a[0]).size();
      case "close" -> {
        PgTestDatabase.drop(db);
        db.close();
        yield null;
      }
      case "toString" -> "PgSets as a Store";
      case "hashCode" -> System.identityHashCode(proxy);
      case "equals" -> proxy == a[0];
      default -> throw new UnsupportedOperationException(m.getName());
    };
  }

  private static List<QueuedJob> browse(PgDatabase db, String queue) throws SQLException {
    List<QueuedJob> out = new ArrayList<>();
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                db.sql(
                    "SELECT jid, queue, payload, priority FROM {s}.jobs WHERE queue = ?"
                        + " ORDER BY priority DESC, id"))) {
      ps.setString(1, queue);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new QueuedJob(rs.getString(1), rs.getString(2), rs.getBytes(3), rs.getInt(4)));
        }
      }
    }
    return out;
  }
}
