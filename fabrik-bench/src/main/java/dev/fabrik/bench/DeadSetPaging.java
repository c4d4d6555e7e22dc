package dev.fabrik.bench;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Server-side time of the Dead page's queries at a million entries: fills a {@link SqliteStore}
 * with dead jobs ({@link DeadJobs}), then times first, middle, job-type-filtered and text-search
 * pages of 50, newest first, each the median of 10 runs through {@code Store.scan}.
 *
 * <pre>
 * java -cp fabrik-bench/target/benchmarks.jar dev.fabrik.bench.DeadSetPaging \
 *     [--entries 1000000] [--data-dir DIR]
 * </pre>
 *
 * Without {@code --data-dir} the database goes to a temporary folder that is deleted afterwards.
 * With it, {@code DIR/fabrik.db} is left in place (and reused if it already holds the entries), so
 * {@code fabrik server --data-dir DIR} serves a million dead jobs.
 */
public final class DeadSetPaging {

  private static final int PAGE = 50;
  private static final int RUNS = 10;
  private static final int FILL_BATCH = 10_000;

  private DeadSetPaging() {}

  public static void main(String[] args) throws Exception {
    long entries = 1_000_000;
    Path dataDir = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--entries" -> entries = Long.parseLong(args[i + 1]);
        case "--data-dir" -> dataDir = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    boolean keep = dataDir != null;
    Path dir = keep ? dataDir : Files.createTempDirectory("fabrik-dead-paging");
    try {
      long opening = System.nanoTime();
      try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
        System.out.printf(
            "opened the store in %.0f ms (recovery, and any schema migration)%n",
            (System.nanoTime() - opening) / 1e6);
        fill(store, entries);
        time(store, entries);
      }
      System.out.printf("database: %s (%d MB)%n", dir.resolve("fabrik.db"), size(dir) >> 20);
    } finally {
      if (!keep) {
        delete(dir);
      }
    }
  }

  private static void fill(SqliteStore store, long entries) {
    long have = store.setSize(SetName.DEAD);
    if (have >= entries) {
      System.out.printf("dead set already holds %d entries%n", have);
      return;
    }
    long start = System.nanoTime();
    for (long from = have; from < entries; from += FILL_BATCH) {
      List<SetEntry> batch = new ArrayList<>(FILL_BATCH);
      for (long i = from; i < Math.min(entries, from + FILL_BATCH); i++) {
        batch.add(
            new SetEntry(
                SetName.DEAD, DeadJobs.score(i), DeadJobs.jid(i), "default", DeadJobs.payload(i)));
      }
      store.addAllToSet(batch);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "filled %d dead entries in %.1f s (%.0f/s, addAllToSet batches of %d)%n",
        entries - have, secs, (entries - have) / secs, FILL_BATCH);
  }

  private static void time(SqliteStore store, long entries) {
    SetQuery newest = new SetQuery(null, null, true);
    long mid = entries / 2;
    SetEntry.Key middle = new SetEntry.Key(DeadJobs.score(mid), DeadJobs.jid(mid));
    String common = DeadJobs.JOBTYPES[3];
    measure("first page", () -> store.scan(SetName.DEAD, newest, null, PAGE));
    measure("middle page", () -> store.scan(SetName.DEAD, newest, middle, PAGE));
    measure(
        "jobtype " + common + " (1/12)",
        () -> store.scan(SetName.DEAD, new SetQuery(common, null, true), null, PAGE));
    measure(
        "jobtype " + DeadJobs.RARE_TYPE + " (1/1000)",
        () -> store.scan(SetName.DEAD, new SetQuery(DeadJobs.RARE_TYPE, null, true), null, PAGE));
    measure(
        "jobtype (1/12), middle",
        () -> store.scan(SetName.DEAD, new SetQuery(common, null, true), middle, PAGE));
    measure(
        "text \"readtimeout\" (1/10)",
        () -> store.scan(SetName.DEAD, new SetQuery(null, "readtimeout", true), null, PAGE));
    measure(
        "text \"acct-zzz\" (rare: budget)",
        () -> store.scan(SetName.DEAD, new SetQuery(null, "acct-zzz", true), null, PAGE));
    measure(
        "text, no match (budget)",
        () -> store.scan(SetName.DEAD, new SetQuery(null, "no such text", true), middle, PAGE));
    // ResizeImage is i % 12 == 4, read timeouts i % 10 == 0: both hold for 1 entry in 60
    String resize = DeadJobs.JOBTYPES[4];
    measure(
        "jobtype " + resize + " + text (1/60)",
        () -> store.scan(SetName.DEAD, new SetQuery(resize, "readtimeout", true), null, PAGE));
    measure(
        "jobtype (1/12) + text, no match",
        () -> store.scan(SetName.DEAD, new SetQuery(common, "readtimeout", true), null, PAGE));
    long start = System.nanoTime();
    int changed =
        store.mutate(
            SetName.DEAD, new SetQuery(null, "no such text", false), new Mutation.Delete());
    System.out.printf(
        "%-36s once   %7.0f ms  (walks the whole set in budget-sized scans; %d changed)%n",
        "delete all matching text, no match", (System.nanoTime() - start) / 1e6, changed);
    SetEntry any = store.scan(SetName.DEAD, newest, middle, 1).entries().getFirst();
    measure(
        "find by key (detail page)",
        () -> new SetPage(List.of(store.find(SetName.DEAD, any.key()).orElseThrow()), null));
  }

  private static void measure(String what, Supplier<SetPage> query) {
    long[] nanos = new long[RUNS];
    SetPage page = null;
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      page = query.get();
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    System.out.printf(
        "%-36s median %7.2f ms  (min %7.2f, max %7.2f)  %2d entries, next %s%n",
        what,
        nanos[RUNS / 2] / 1e6,
        nanos[0] / 1e6,
        nanos[RUNS - 1] / 1e6,
        page.entries().size(),
        page.next() == null ? "none" : "yes");
  }

  private static long size(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void delete(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
