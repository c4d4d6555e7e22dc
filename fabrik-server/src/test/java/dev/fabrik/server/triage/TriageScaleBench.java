package dev.fabrik.server.triage;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.postgres.PgDatabase;
import dev.fabrik.server.storage.postgres.PgTestDatabase;
import dev.fabrik.server.storage.postgres.PostgresStore;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A by-hand measurement, not a test: fills the dead set with {@code entries} failed jobs spread
 * over {@code groups} fingerprints (through the store, so the triggers keep the groups), then times
 * what the Failures page and a group page read: the groups by count and by last seen, one group,
 * and the first 25 entries of a group.
 *
 * <pre>
 * java -cp ... TriageScaleBench sqlite /tmp/triage-1m [entries] [groups]   # keeps the data dir
 * FABRIK_TEST_DATABASE_URL=... java -cp ... TriageScaleBench pg - [entries] [groups]
 * </pre>
 *
 * A SQLite directory filled here can then be served ({@code fabrik server --data-dir ...}) to time
 * the pages over HTTP (their Server-Timing header).
 */
public final class TriageScaleBench {
  private TriageScaleBench() {}

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final int CHUNK = 10_000;

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    int entries = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    int groups = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
    PgDatabase db = null;
    Store store;
    if (kind.equals("pg")) {
      db = PgTestDatabase.migrated("triagebench", 8);
      store = PostgresStore.open(db);
    } else {
      store = SqliteStore.open(Path.of(args[1]), Durability.PROCESS_CRASH);
    }
    try {
      if (store.setSize(SetName.DEAD) == 0) {
        fill(store, entries, groups);
      }
      System.out.printf("dead set: %,d entries%n", store.setSize(SetName.DEAD));
      FailureGroupStore failures = store.failures();
      String fp =
          failures.groups(SetName.DEAD, FailureGroup.Order.COUNT, 1).getFirst().fingerprint();
      time(
          "groups by count (1000)",
          () -> failures.groups(SetName.DEAD, FailureGroup.Order.COUNT, 1000));
      time(
          "groups by last seen (200)",
          () -> failures.groups(SetName.DEAD, FailureGroup.Order.LAST_SEEN, 200));
      time("grouped total", () -> failures.grouped(SetName.DEAD));
      time("one group", () -> failures.group(SetName.DEAD, fp));
      time(
          "group page, first 25",
          () -> store.scan(SetName.DEAD, SetQuery.ALL.withFingerprint(fp), null, 25));
      time(
          "group page, newest 25",
          () -> store.scan(SetName.DEAD, new SetQuery(null, null, true, fp), null, 25));
    } finally {
      store.close();
      if (db != null) {
        PgTestDatabase.drop(db);
        db.close();
      }
    }
  }

  private static void fill(Store store, int entries, int groups) {
    long start = System.nanoTime();
    List<SetEntry> chunk = new ArrayList<>(CHUNK);
    for (int i = 0; i < entries; i++) {
      int g = i % groups;
      String jid = String.format("d%09d", i);
      String fp = String.format("%016x", 0x1000_0000_0000L + g);
      String payload =
          "{\"jid\":\""
              + jid
              + "\",\"jobtype\":\"Job"
              + (g % 20)
              + "\",\"queue\":\"default\",\"args\":["
              + i
              + "],\"failure\":{\"retry_count\":25,\"remaining\":0,\"failed_at\":\"2029-12-01T00:00:00Z\","
              + "\"message\":\"error kind "
              + g
              + " on record "
              + i
              + "\",\"errtype\":\"App::Error"
              + g
              + "\",\"backtrace\":[\"app/jobs/job.rb:"
              + g
              + ":in `perform'\"],\"fingerprint\":\""
              + fp
              + "\"}}";
      chunk.add(
          new SetEntry(
              SetName.DEAD,
              T0.plusMillis(i),
              jid,
              "default",
              payload.getBytes(StandardCharsets.UTF_8)));
      if (chunk.size() == CHUNK) {
        store.addAllToSet(chunk);
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      store.addAllToSet(chunk);
    }
    System.out.printf(
        "filled %,d dead entries in %,d groups in %.1f s%n",
        entries, groups, (System.nanoTime() - start) / 1e9);
  }

  private static void time(String what, Supplier<?> read) {
    int runs = 21;
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      read.get();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    System.out.printf(
        "%-28s median %7.2f ms   p90 %7.2f ms%n", what, ms[runs / 2], ms[runs * 9 / 10]);
  }
}
