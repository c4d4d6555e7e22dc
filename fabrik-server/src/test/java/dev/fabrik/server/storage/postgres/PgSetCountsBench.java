package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A by-hand measurement, not a test: a set's size at a million entries read as {@code count(*)}
 * (before set_counts) and as the sum of set_counts (after), and what the counting triggers cost an
 * insert, with the triggers on and off ({@code ALTER TABLE ... DISABLE TRIGGER}), alternating so
 * that both see the same machine.
 *
 * <pre>
 * dev/postgres start /tmp/pgsetcounts-pg      # default durability
 * FABRIK_TEST_DATABASE_URL=$(dev/postgres url /tmp/pgsetcounts-pg) java -cp ... PgSetCountsBench
 * </pre>
 *
 * <p>Measured (2-core machine shared with other builds, PostgreSQL 15, default durability, two
 * runs): size at 1M dead entries 388-393 ms as count(*), 0.68-0.73 ms as the sum; one INSERT of one
 * entry 5.4-5.6 ms with the triggers vs 4.6-4.8 ms without (each after an ALTER TABLE, so both
 * include a re-plan); one INSERT of 1000 entries 22.4-33.8 ms vs 21.1-28.5 ms (+6-18 %).
 */
public final class PgSetCountsBench {
  private PgSetCountsBench() {}

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  public static void main(String[] args) throws Exception {
    int big = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    PgDatabase db = PgTestDatabase.migrated("pgsetcountsbench", 4);
    try {
      PgSets sets = new PgSets(db, new PgInserts(db), (q, n) -> {});
      long start = System.nanoTime();
      for (int from = 0; from < big; from += 10_000) {
        sets.addAll(batch(SetName.DEAD, from, 10_000));
      }
      System.out.printf(
          "added %,d dead entries in %.1f s%n", big, (System.nanoTime() - start) / 1e9);
      execute(db, "VACUUM ANALYZE {s}.set_entries");
      execute(db, "VACUUM ANALYZE {s}.set_counts");
      String count = db.sql("SELECT count(*) FROM {s}.set_entries WHERE set_name = 'dead'");
      time("size, count(*) (before)", () -> single(db, count));
      time("size, sum of set_counts (after)", () -> sets.size(SetName.DEAD));

      int serial = big;
      for (int size : new int[] {1, 1000}) {
        double on = 0;
        double off = 0;
        int rounds = size == 1 ? 2000 : 100;
        for (int r = 0; r < rounds; r++) {
          boolean triggers = r % 2 == 0;
          execute(
              db,
              "ALTER TABLE {s}.set_entries " + (triggers ? "ENABLE" : "DISABLE") + " TRIGGER USER");
          List<SetEntry> b = batch(SetName.RETRIES, serial, size);
          serial += size;
          long t = System.nanoTime();
          sets.addAll(b);
          double ms = (System.nanoTime() - t) / 1e6;
          if (triggers) {
            on += ms;
          } else {
            off += ms;
          }
        }
        execute(db, "ALTER TABLE {s}.set_entries ENABLE TRIGGER USER");
        System.out.printf(
            "insert of %4d entries: %.3f ms with the triggers, %.3f ms without%n",
            size, on / (rounds / 2), off / (rounds / 2));
      }
    } finally {
      PgTestDatabase.drop(db);
      db.close();
    }
  }

  private static List<SetEntry> batch(SetName set, int from, int n) {
    List<SetEntry> out = new ArrayList<>(n);
    for (int i = from; i < from + n; i++) {
      String jid = String.format("%024x", i * 2654435761L);
      byte[] payload =
          ("{\"jid\":\"" + jid + "\",\"queue\":\"q\",\"jobtype\":\"Mailer\",\"args\":[" + i + "]}")
              .getBytes(StandardCharsets.UTF_8);
      out.add(new SetEntry(set, T0.plusMillis(i), jid, "q", payload));
    }
    return out;
  }

  private static void execute(PgDatabase db, String sql) throws SQLException {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute(db.sql(sql));
    }
  }

  private static long single(PgDatabase db, String sql) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  interface Call {
    long run();
  }

  private static void time(String what, Call call) {
    for (int i = 0; i < 3; i++) {
      call.run(); // warm the plan cache and the buffers
    }
    int runs = 20;
    long start = System.nanoTime();
    long last = 0;
    for (int i = 0; i < runs; i++) {
      last = call.run();
    }
    double ms = (System.nanoTime() - start) / 1e6 / runs;
    System.out.printf("%-34s %9.2f ms (= %,d)%n", what, ms, last);
  }
}
