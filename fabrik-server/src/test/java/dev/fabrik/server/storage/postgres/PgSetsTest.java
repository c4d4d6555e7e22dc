package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.Store;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PgSets} on a real PostgreSQL, for what the store contract cannot show with one store:
 * several nodes (each a PgSets with a pool of its own on one schema) working one set at once, the
 * byte-wise jid order, and the bound on a text search over a large set. The rest of the set
 * semantics is covered by SetScanContract in PostgresStoreTest.
 */
class PgSetsTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00.123456Z");

  private final List<PgDatabase> pools = new ArrayList<>();
  private final Map<String, Integer> told = new ConcurrentHashMap<>();
  private PgDatabase db;
  private PgSets sets;

  @BeforeEach
  void open() {
    db = PgTestDatabase.migrated("pgsets", 4);
    pools.add(db);
    sets = on(db);
  }

  @AfterEach
  void close() {
    PgTestDatabase.drop(db);
    pools.forEach(PgDatabase::close);
  }

  /** Another server node: its own pool on the same schema, telling the shared {@link #told}. */
  private PgSets node() {
    PgDatabase own = PgDatabase.open(PgTestDatabase.url(), db.schema(), 3);
    pools.add(own);
    return on(own);
  }

  private PgSets on(PgDatabase pool) {
    return new PgSets(pool, new PgInserts(pool), (q, n) -> told.merge(q, n, Integer::sum));
  }

  private static byte[] payload(String jid, String extra) {
    return ("{\"jid\":\"" + jid + "\"" + extra + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static SetEntry entry(SetName set, Instant score, String jid, String queue) {
    return new SetEntry(set, score, jid, queue, payload(jid, ""));
  }

  private static List<String> jids(List<SetEntry> entries) {
    return entries.stream().map(SetEntry::jid).toList();
  }

  /** (jid, queue, priority, payload) of every queued job, in id order. */
  private List<String> queued() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                db.sql("SELECT jid, queue, priority, payload FROM {s}.jobs ORDER BY id"));
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            rs.getString(1)
                + "@"
                + rs.getString(2)
                + ":"
                + rs.getInt(3)
                + " "
                + new String(rs.getBytes(4), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- order

  @Test
  void jidsCompareByteWiseAndTwinsBySeqInBothDirections() {
    // UTF-8 bytes: "B" 0x42 < "a" 0x61 < "z" 0x7a < "é" 0xc3a9 < U+FFFD 0xefbfbd < U+1F600 0xf09f
    // (Java's String order would put U+1F600, a surrogate pair, before U+FFFD)
    List<String> byBytes = List.of("B", "a", "a", "z", "é", "\uFFFD", "\uD83D\uDE00");
    List<SetEntry> batch = new ArrayList<>();
    for (String jid : byBytes.reversed()) {
      batch.add(entry(SetName.DEAD, T0, jid, "q"));
    }
    sets.addAll(batch);

    List<SetEntry> asc = sets.scan(SetName.DEAD, SetQuery.ALL, null, 100).entries();
    assertThat(jids(asc)).isEqualTo(byBytes);
    assertThat(asc.get(1).seq()).isLessThan(asc.get(2).seq());
    assertThat(asc).isSortedAccordingTo(PgSetMoves.ORDER);
    List<SetEntry> desc =
        sets.scan(SetName.DEAD, new SetQuery(null, null, true), null, 100).entries();
    assertThat(desc.stream().map(SetEntry::key).toList())
        .isEqualTo(asc.stream().map(SetEntry::key).toList().reversed());

    // one page at a time, through twins, in both directions
    for (boolean descending : List.of(false, true)) {
      List<SetEntry.Key> paged = new ArrayList<>();
      SetEntry.Key cursor = null;
      do {
        SetPage page = sets.scan(SetName.DEAD, new SetQuery(null, null, descending), cursor, 1);
        page.entries().forEach(e -> paged.add(e.key()));
        cursor = page.next();
      } while (cursor != null);
      assertThat(paged).isEqualTo((descending ? desc : asc).stream().map(SetEntry::key).toList());
    }
    // a key without seq skips every twin, find gives the oldest
    SetEntry.Key anyA = new SetEntry.Key(T0, "a");
    assertThat(jids(sets.scan(SetName.DEAD, SetQuery.ALL, anyA, 1).entries())).containsExactly("z");
    assertThat(sets.find(SetName.DEAD, anyA)).map(SetEntry::seq).contains(asc.get(1).seq());
    assertThat(sets.find(SetName.DEAD, asc.get(2).key()))
        .map(SetEntry::seq)
        .contains(asc.get(2).seq());
    assertThat(sets.find(SetName.RETRIES, asc.get(2).key())).isEmpty();
  }

  // ---------------------------------------------------------------- moving due entries

  @Test
  void enqueueDueMovesRestampsDropsAndKeepsThePayloadsPriority() throws Exception {
    sets.addAll(
        List.of(
            new SetEntry(
                SetName.SCHEDULED, T0.plusSeconds(2), "b", "q2", payload("b", ",\"priority\":9")),
            new SetEntry(SetName.SCHEDULED, T0.plusSeconds(1), "a", "q1", payload("a", "")),
            new SetEntry(SetName.SCHEDULED, T0.plusSeconds(1), "drop", "q1", payload("drop", "")),
            new SetEntry(SetName.SCHEDULED, T0.plusSeconds(3), "c", "q1", payload("c", "")),
            new SetEntry(SetName.SCHEDULED, T0.plusSeconds(9), "later", "q1", payload("l", ""))));

    int moved =
        sets.enqueueDue(
            SetName.SCHEDULED,
            T0.plusSeconds(3),
            3,
            p -> new String(p, StandardCharsets.UTF_8).contains("drop") ? null : stamp(p));

    assertThat(moved).isEqualTo(3);
    assertThat(queued())
        .containsExactly(
            "a@q1:5 {\"jid\":\"a\",\"stamped\":1}",
            "b@q2:9 {\"jid\":\"b\",\"priority\":9,\"stamped\":1}");
    assertThat(told).isEqualTo(Map.of("q1", 1, "q2", 1));
    assertThat(jids(sets.scan(SetName.SCHEDULED, SetQuery.ALL, null, 10).entries()))
        .containsExactly("c", "later");
    assertThat(sets.enqueueDue(SetName.SCHEDULED, T0.plusSeconds(3), 10, p -> p)).isEqualTo(1);
    assertThat(sets.enqueueDue(SetName.SCHEDULED, T0.plusSeconds(3), 10, p -> p)).isZero();
    assertThat(sets.size(SetName.SCHEDULED)).isEqualTo(1);
  }

  private static byte[] stamp(byte[] p) {
    String s = new String(p, StandardCharsets.UTF_8);
    return (s.substring(0, s.length() - 1) + ",\"stamped\":1}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void severalNodesMovingOneBacklogMoveEachEntryExactlyOnce() throws Exception {
    int due = 6000;
    List<SetEntry> batch = new ArrayList<>();
    for (int i = 0; i < due; i++) {
      batch.add(entry(SetName.RETRIES, T0.plusMillis(i % 500), "r" + i, "q" + (i % 3)));
    }
    for (int i = 0; i < 100; i++) {
      batch.add(entry(SetName.RETRIES, T0.plusSeconds(60), "later" + i, "q0"));
    }
    sets.addAll(batch);
    List<PgSets> nodes = List.of(sets, node(), node());
    int threadsPerNode = 2;
    CyclicBarrier start = new CyclicBarrier(nodes.size() * threadsPerNode);
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size() * threadsPerNode);
    try {
      List<Future<Integer>> runs = new ArrayList<>();
      for (PgSets node : nodes) {
        for (int t = 0; t < threadsPerNode; t++) {
          runs.add(
              pool.submit(
                  (Callable<Integer>)
                      () -> {
                        start.await();
                        int mine = 0;
                        // A pass that finds nothing may only mean the others hold the rest:
                        // stop once the committed set holds just the entries not yet due.
                        while (true) {
                          int n = node.enqueueDue(SetName.RETRIES, T0.plusSeconds(1), 97, p -> p);
                          mine += n;
                          if (n == 0 && node.size(SetName.RETRIES) == 100) {
                            return mine;
                          }
                        }
                      }));
        }
      }
      int total = 0;
      List<Integer> perThread = new ArrayList<>();
      for (Future<Integer> f : runs) {
        perThread.add(f.get());
        total += perThread.getLast();
      }
      assertThat(total).isEqualTo(due);
    } finally {
      pool.shutdownNow();
    }
    List<String> jobs = queued();
    assertThat(jobs).hasSize(due);
    assertThat(jobs.stream().map(j -> j.substring(0, j.indexOf('@'))).distinct().count())
        .isEqualTo(due);
    assertThat(told.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(due);
    assertThat(sets.size(SetName.RETRIES)).isEqualTo(100);
  }

  @Test
  @Timeout(60) // waiting for the other node's locks would hang here, not fail
  void aNodeSkipsTheEntriesAnotherNodeIsMovingInsteadOfWaiting() throws Exception {
    List<SetEntry> batch = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      batch.add(entry(SetName.SCHEDULED, T0.plusSeconds(i), "s" + i, "q"));
    }
    sets.addAll(batch);
    // another node's transaction, still open, holds the ten lowest entries
    try (Connection other = db.connection()) {
      other.setAutoCommit(false);
      try (PreparedStatement ps =
          other.prepareStatement(
              db.sql(
                  "SELECT seq FROM {s}.set_entries WHERE set_name = 'scheduled'"
                      + " ORDER BY score_us, jid, seq LIMIT 10 FOR UPDATE"))) {
        ps.executeQuery().close();
      }
      assertThat(sets.enqueueDue(SetName.SCHEDULED, T0.plusSeconds(60), 5, p -> p)).isEqualTo(5);
      assertThat(queued())
          .extracting(j -> j.substring(0, j.indexOf('@')))
          .containsExactly("s10", "s11", "s12", "s13", "s14");
      other.rollback();
    }
    assertThat(sets.enqueueDue(SetName.SCHEDULED, T0.plusSeconds(60), 100, p -> p)).isEqualTo(15);
  }

  @Test
  void listenersHearOfMovedJobsOnlyOnceOthersCanFetchThemAndNeverOfAFailedMove() throws Exception {
    List<String> heard = new ArrayList<>();
    PgSets watched =
        new PgSets(
            db,
            new PgInserts(db),
            (queue, n) -> heard.add(queue + " " + n + " visible " + visibleJobs(queue)));
    sets.addAll(
        List.of(
            entry(SetName.RETRIES, T0, "a", "q1"),
            entry(SetName.RETRIES, T0, "b", "q2"),
            entry(SetName.RETRIES, T0.plusSeconds(1), "c", "q1")));

    assertThatThrownBy(
            () ->
                watched.enqueueDue(
                    SetName.RETRIES,
                    T0.plusSeconds(1),
                    10,
                    p -> {
                      if (new String(p, StandardCharsets.UTF_8).contains("\"c\"")) {
                        throw new IllegalStateException("restamp failed");
                      }
                      return p;
                    }))
        .hasMessage("restamp failed");
    assertThat(heard).isEmpty();
    assertThat(queued()).isEmpty();
    assertThat(sets.size(SetName.RETRIES)).isEqualTo(3);

    assertThat(watched.enqueueDue(SetName.RETRIES, T0.plusSeconds(1), 10, p -> p)).isEqualTo(3);
    assertThat(heard).containsExactlyInAnyOrder("q1 2 visible 2", "q2 1 visible 1");
  }

  /** Jobs of a queue another connection sees (that is, committed ones). */
  private long visibleJobs(String queue) {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(db.sql("SELECT count(*) FROM {s}.jobs WHERE queue = ?"))) {
      ps.setString(1, queue);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void purgeDueAndTrimDeleteTheLowestAndTwoNodesTrimmingNeverOvertrim() throws Exception {
    List<SetEntry> batch = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      batch.add(entry(SetName.DEAD, T0.plusSeconds(i), "d" + i, "q"));
    }
    sets.addAll(batch);
    assertThat(sets.purgeDue(SetName.DEAD, T0.plusSeconds(99), 60)).isEqualTo(60);
    assertThat(sets.purgeDue(SetName.DEAD, T0.plusSeconds(99), 60)).isEqualTo(40);
    assertThat(sets.size(SetName.DEAD)).isEqualTo(900);

    PgSets other = node();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CyclicBarrier start = new CyclicBarrier(2);
      Callable<Integer> trimFirst =
          () -> {
            start.await();
            return sets.trim(SetName.DEAD, 50);
          };
      Callable<Integer> trimSecond =
          () -> {
            start.await();
            return other.trim(SetName.DEAD, 50);
          };
      Future<Integer> a = pool.submit(trimFirst);
      Future<Integer> b = pool.submit(trimSecond);
      assertThat(a.get() + b.get()).isEqualTo(850);
    } finally {
      pool.shutdownNow();
    }
    List<SetEntry> left = sets.scan(SetName.DEAD, SetQuery.ALL, null, 100).entries();
    assertThat(left).hasSize(50);
    assertThat(left.getFirst().jid()).isEqualTo("d950");
    assertThat(sets.trim(SetName.DEAD, 50)).isZero();
  }

  // ---------------------------------------------------------------- mutations

  @Test
  void mutationsByKeysActOnceOnWhatIsStillThere() throws Exception {
    sets.addAll(
        List.of(
            entry(SetName.RETRIES, T0, "a", "first"),
            entry(SetName.RETRIES, T0, "a", "second"),
            entry(SetName.RETRIES, T0.plusSeconds(1), "b", "q"),
            entry(SetName.RETRIES, T0.plusSeconds(2), "c", "q")));
    List<SetEntry> e = sets.scan(SetName.RETRIES, SetQuery.ALL, null, 10).entries();
    SetEntry.Key anyA = new SetEntry.Key(T0, "a");

    // a key without seq twice acts on the oldest twin once; an unknown key is ignored
    assertThat(
            sets.mutate(
                SetName.RETRIES,
                List.of(anyA, anyA, new SetEntry.Key(T0, "zz", 9999)),
                new Mutation.Requeue()))
        .isEqualTo(1);
    assertThat(queued()).containsExactly("a@first:5 {\"jid\":\"a\"}");
    assertThat(told).isEqualTo(Map.of("first", 1));
    Instant expiry = T0.plusSeconds(100);
    assertThat(
            sets.mutate(
                SetName.RETRIES,
                List.of(e.get(1).key(), e.get(3).key()),
                new Mutation.Kill(expiry)))
        .isEqualTo(2);
    assertThat(sets.scan(SetName.DEAD, SetQuery.ALL, null, 10).entries())
        .extracting(SetEntry::jid, SetEntry::queue, SetEntry::score)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", "second", expiry),
            org.assertj.core.groups.Tuple.tuple("c", "q", expiry));
    assertThat(sets.mutate(SetName.RETRIES, List.of(e.get(0).key()), new Mutation.Delete()))
        .isZero();
    assertThat(sets.mutate(SetName.RETRIES, List.of(e.get(2).key()), new Mutation.Delete()))
        .isEqualTo(1);
    assertThat(sets.size(SetName.RETRIES)).isZero();
  }

  @Test
  void killsKeepTheJobtypeIndexedAndAreNotVisitedAgain() {
    List<SetEntry> batch = new ArrayList<>();
    for (int i = 0; i < 2300; i++) {
      String type = i % 2 == 0 ? "Even" : "Odd";
      batch.add(
          new SetEntry(
              SetName.DEAD,
              T0.plusMillis(i),
              "d" + i,
              "q",
              payload("d" + i, ",\"jobtype\":\"" + type + "\"")));
    }
    sets.addAll(batch);
    Instant later = T0.plusSeconds(3600);
    assertThat(sets.mutate(SetName.DEAD, e -> true, new Mutation.Kill(later))).isEqualTo(2300);
    assertThat(sets.size(SetName.DEAD)).isEqualTo(2300);
    SetPage evens = sets.scan(SetName.DEAD, new SetQuery("Even", null, false), null, 5000);
    assertThat(evens.entries()).hasSize(1150).allMatch(e -> e.score().equals(later));
    assertThat(sets.mutate(SetName.DEAD, new SetQuery("Odd", null, true), new Mutation.Delete()))
        .isEqualTo(1150);
    assertThat(sets.size(SetName.DEAD)).isEqualTo(1150);
  }

  @Test
  void twoNodesRequeueingTheSameSetRequeueEachEntryOnce() throws Exception {
    int n = 3000;
    List<SetEntry> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(entry(SetName.DEAD, T0.plusMillis(i), "d" + i, "q"));
    }
    sets.addAll(batch);
    PgSets other = node();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CyclicBarrier start = new CyclicBarrier(2);
      Future<Integer> a =
          pool.submit(
              () -> {
                start.await();
                return sets.mutate(SetName.DEAD, e -> true, new Mutation.Requeue());
              });
      Future<Integer> b =
          pool.submit(
              () -> {
                start.await();
                return other.mutate(SetName.DEAD, SetQuery.ALL, new Mutation.Requeue());
              });
      assertThat(a.get() + b.get()).isEqualTo(n);
    } finally {
      pool.shutdownNow();
    }
    assertThat(queued()).hasSize(n);
    assertThat(told).isEqualTo(Map.of("q", n));
    assertThat(sets.size(SetName.DEAD)).isZero();
  }

  // ---------------------------------------------------------------- bounded text search

  @Test
  void aTextSearchOverAHundredThousandEntriesExaminesOneBudgetPerCall() {
    int n = 100_000;
    List<Integer> needles = List.of(7, 45_000, 99_999);
    for (int from = 0; from < n; from += 10_000) {
      List<SetEntry> batch = new ArrayList<>(10_000);
      for (int i = from; i < from + 10_000; i++) {
        String error = needles.contains(i) ? "Needle in here" : "hay";
        batch.add(
            new SetEntry(
                SetName.DEAD,
                T0.plusMillis(i),
                "d" + i,
                "q",
                payload("d" + i, ",\"error\":\"" + error + "\"")));
      }
      sets.addAll(batch);
    }
    for (boolean descending : List.of(false, true)) {
      SetQuery query = new SetQuery(null, "NEEDLE", descending);
      List<String> found = new ArrayList<>();
      int calls = 0;
      SetEntry.Key cursor = null;
      do {
        long start = System.nanoTime();
        SetPage page = sets.scan(SetName.DEAD, query, cursor, 10);
        calls++;
        System.out.printf(
            "text search page %d (%s) over %,d entries: %.1f ms%n",
            calls, descending ? "desc" : "asc", n, (System.nanoTime() - start) / 1e6);
        page.entries().forEach(e -> found.add(e.jid()));
        cursor = page.next();
      } while (cursor != null);
      // each call stopped after one budget: a call that read everything would end at once
      assertThat(calls).isEqualTo(n / Store.SCAN_BUDGET);
      List<String> expected = needles.stream().map(i -> "d" + i).toList();
      assertThat(found).isEqualTo(descending ? expected.reversed() : expected);
    }
  }

  @Test
  void aTextSearchIsLiteralAndFoldsAsciiCaseOnly() {
    sets.addAll(
        List.of(
            new SetEntry(SetName.DEAD, T0, "a", "q", payload("a", ",\"m\":\"100% DONE_now\"")),
            new SetEntry(
                SetName.DEAD,
                T0.plusSeconds(1),
                "b",
                "q",
                payload("b", ",\"m\":\"1000 doneXnow\"")),
            new SetEntry(
                SetName.DEAD, T0.plusSeconds(2), "c", "q", payload("c", ",\"m\":\"ÉCOLE\""))));
    assertThat(
            jids(
                sets.scan(SetName.DEAD, new SetQuery(null, "0% done_", false), null, 10).entries()))
        .containsExactly("a");
    assertThat(jids(sets.scan(SetName.DEAD, new SetQuery(null, "Écol", false), null, 10).entries()))
        .containsExactly("c");
    assertThat(sets.scan(SetName.DEAD, new SetQuery(null, "écol", false), null, 10).entries())
        .isEmpty();
  }
}
