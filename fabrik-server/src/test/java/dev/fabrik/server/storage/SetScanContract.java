package dev.fabrik.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The part of {@link StoreContract} about the UI's view of the sorted sets: filtered, cursor-paged
 * scans in both orders, and actions on selected or on all matching entries. {@code StoreContract}
 * extends it, so every store runs these too; it also holds the fixture both share.
 */
public abstract class SetScanContract {

  protected static final Instant T0 = Instant.parse("2030-01-01T00:00:00.123456Z");

  protected Store store;

  /** A new, empty store. */
  protected abstract Store open() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  protected static QueuedJob job(String jid, String queue) {
    return new QueuedJob(jid, queue, payload(jid));
  }

  protected static byte[] payload(String jid) {
    return ("{\"jid\":\"" + jid + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  protected static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** A dead-job-like payload with a job type and an error message. */
  private static QueuedJob typed(String jid, String jobtype, String error) {
    String json =
        "{\"jid\":\""
            + jid
            + "\",\"jobtype\":\""
            + jobtype
            + "\",\"args\":[1,\"x\"],\"failure\":{\"message\":\""
            + error
            + "\"}}";
    return new QueuedJob(jid, "q", json.getBytes(StandardCharsets.UTF_8));
  }

  private static SetEntry entry(SetName set, Instant score, QueuedJob job) {
    return new SetEntry(set, score, job.jid(), job.queue(), job.payload());
  }

  private static List<String> jids(SetPage page) {
    return page.entries().stream().map(SetEntry::jid).toList();
  }

  /** Keys tell entries apart (a SetEntry's payload array has no value equality). */
  private static List<SetEntry.Key> keys(List<SetEntry> entries) {
    return entries.stream().map(SetEntry::key).toList();
  }

  /** Every page from the start, following {@code next}; fails if paging does not end. */
  private List<SetEntry> all(SetName set, SetQuery query, int limit) {
    List<SetEntry> out = new ArrayList<>();
    SetEntry.Key cursor = null;
    for (int calls = 0; ; calls++) {
      assertThat(calls).as("paging ends").isLessThan(100_000);
      SetPage page = store.scan(set, query, cursor, limit);
      assertThat(page.entries().size()).isLessThanOrEqualTo(limit);
      out.addAll(page.entries());
      if (page.next() == null) {
        return out;
      }
      cursor = page.next();
    }
  }

  // ---------------------------------------------------------------- order and cursors

  @Test
  void scanOrdersByScoreJidAndSequenceBothWays() {
    store.addToSet(SetName.RETRIES, T0.plusSeconds(2), job("z", "q"));
    store.addToSet(SetName.RETRIES, T0.plusSeconds(1), job("b", "q"));
    store.addToSet(SetName.RETRIES, T0.plusSeconds(1), job("a", "q"));
    store.addToSet(SetName.RETRIES, T0.plusSeconds(1), job("b", "other")); // twin of b
    store.addToSet(SetName.DEAD, T0, job("elsewhere", "q"));

    SetPage asc = store.scan(SetName.RETRIES, SetQuery.ALL, null, 10);
    assertThat(jids(asc)).containsExactly("a", "b", "b", "z");
    assertThat(asc.entries()).extracting(SetEntry::queue).containsExactly("q", "q", "other", "q");
    assertThat(asc.next()).isNull();
    SetPage desc = store.scan(SetName.RETRIES, new SetQuery(null, null, true), null, 10);
    assertThat(keys(desc.entries())).isEqualTo(keys(asc.entries()).reversed());
    assertThat(asc.entries())
        .extracting(SetEntry::seq)
        .doesNotHaveDuplicates()
        .allMatch(s -> s > 0);
  }

  @Test
  void cursorNeverSkipsOrRepeatsTwinsAtPageBoundaries() {
    List<SetEntry> batch = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      // runs of twins: equal score and jid, up to 7 long, so every page size splits some
      batch.add(entry(SetName.DEAD, T0.plusSeconds(i / 14), job("j" + (i / 7) % 2, "q" + i)));
    }
    store.addAllToSet(batch);
    List<SetEntry> asc = store.scan(SetName.DEAD, SetQuery.ALL, null, 100).entries();
    assertThat(asc).hasSize(60);
    assertThat(asc)
        .isSortedAccordingTo(
            Comparator.comparing(SetEntry::score)
                .thenComparing(SetEntry::jid)
                .thenComparingLong(SetEntry::seq));
    for (int limit = 1; limit <= 8; limit++) {
      assertThat(keys(all(SetName.DEAD, SetQuery.ALL, limit)))
          .as("limit %d", limit)
          .isEqualTo(keys(asc));
      assertThat(keys(all(SetName.DEAD, new SetQuery(null, null, true), limit)))
          .as("descending, limit %d", limit)
          .isEqualTo(keys(asc).reversed());
    }
  }

  @Test
  void lastPageHasNoNextAndAnExactlyFullPageToo() {
    for (int i = 0; i < 4; i++) {
      store.addToSet(SetName.SCHEDULED, T0.plusSeconds(i), job("s" + i, "q"));
    }
    SetPage first = store.scan(SetName.SCHEDULED, SetQuery.ALL, null, 2);
    assertThat(jids(first)).containsExactly("s0", "s1");
    assertThat(first.next()).isEqualTo(first.entries().getLast().key());
    SetPage second = store.scan(SetName.SCHEDULED, SetQuery.ALL, first.next(), 2);
    assertThat(jids(second)).containsExactly("s2", "s3");
    assertThat(second.next()).isNull();
    assertThat(store.scan(SetName.SCHEDULED, SetQuery.ALL, null, 4).next()).isNull();
    SetPage everything = store.scan(SetName.SCHEDULED, SetQuery.ALL, null, Integer.MAX_VALUE);
    assertThat(everything.entries()).hasSize(4);
    assertThat(everything.next()).isNull();
    assertThat(store.scan(SetName.SCHEDULED, SetQuery.ALL, second.entries().getLast().key(), 2))
        .isEqualTo(new SetPage(List.of(), null));
    assertThatThrownBy(() -> store.scan(SetName.SCHEDULED, SetQuery.ALL, null, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keysWithoutSequenceStandForEveryTwin() {
    store.addToSet(SetName.DEAD, T0, job("a", "first"));
    store.addToSet(SetName.DEAD, T0, job("a", "second"));
    store.addToSet(SetName.DEAD, T0.plusSeconds(1), job("b", "q"));
    List<SetEntry> twins = store.scan(SetName.DEAD, SetQuery.ALL, null, 2).entries();

    SetEntry.Key any = new SetEntry.Key(T0, "a");
    assertThat(store.find(SetName.DEAD, any)).map(SetEntry::queue).contains("first");
    assertThat(store.find(SetName.DEAD, twins.get(1).key()))
        .map(SetEntry::queue)
        .contains("second");
    assertThat(jids(store.scan(SetName.DEAD, SetQuery.ALL, any, 10))).containsExactly("b");
    assertThat(jids(store.scan(SetName.DEAD, new SetQuery(null, null, true), any, 10))).isEmpty();
    assertThat(jids(store.scan(SetName.DEAD, SetQuery.ALL, twins.get(0).key(), 10)))
        .containsExactly("a", "b");

    store.mutate(SetName.DEAD, List.of(twins.get(0).key()), new Mutation.Delete());
    assertThat(store.find(SetName.DEAD, twins.get(0).key())).isEmpty();
    assertThat(store.find(SetName.DEAD, any)).map(SetEntry::queue).contains("second");
    SetEntry.Key parsed = SetEntry.Key.parse(twins.get(1).key().asString());
    assertThat(store.find(SetName.DEAD, parsed)).map(SetEntry::queue).contains("second");
  }

  // ---------------------------------------------------------------- filters

  @Test
  void filtersByJobtypeAndTextInBothOrders() {
    store.addToSet(SetName.RETRIES, T0, typed("r1", "Mailer", "Net::ReadTimeout"));
    store.addToSet(SetName.RETRIES, T0.plusSeconds(1), typed("r2", "Billing", "card declined"));
    store.addToSet(SetName.RETRIES, T0.plusSeconds(2), typed("r3", "Mailer", "SMTP refused"));
    store.addToSet(SetName.RETRIES, T0.plusSeconds(3), typed("r4", "MailerX", "readtimeout"));
    store.addToSet(
        SetName.RETRIES, T0.plusSeconds(4), new QueuedJob("r5", "q", "not json".getBytes()));
    store.addToSet(SetName.DEAD, T0, typed("d1", "Mailer", "Net::ReadTimeout"));

    SetName r = SetName.RETRIES;
    assertThat(jids(store.scan(r, new SetQuery("Mailer", null, false), null, 10)))
        .containsExactly("r1", "r3");
    assertThat(jids(store.scan(r, new SetQuery("Mailer", null, true), null, 10)))
        .containsExactly("r3", "r1");
    assertThat(jids(store.scan(r, new SetQuery("mailer", null, false), null, 10))).isEmpty();
    assertThat(jids(store.scan(r, new SetQuery(null, "READTIMEOUT", false), null, 10)))
        .containsExactly("r1", "r4");
    assertThat(jids(store.scan(r, new SetQuery("Mailer", "readTimeout", true), null, 10)))
        .containsExactly("r1");
    assertThat(jids(store.scan(r, new SetQuery(null, "\"args\":[1", false), null, 10)))
        .containsExactly("r1", "r2", "r3", "r4");
    assertThat(jids(store.scan(r, new SetQuery(null, "NOT JSON", false), null, 10)))
        .containsExactly("r5");
    assertThat(jids(store.scan(r, new SetQuery(null, "r2", false), null, 10)))
        .containsExactly("r2");
    assertThat(jids(store.scan(r, new SetQuery(null, "   ", false), null, 10))).hasSize(5);
    SetPage paged = store.scan(r, new SetQuery("Mailer", null, false), null, 1);
    assertThat(jids(paged)).containsExactly("r1");
    assertThat(jids(store.scan(r, new SetQuery("Mailer", null, false), paged.next(), 1)))
        .containsExactly("r3");
  }

  @Test
  void searchTextIsLiteralNotAPattern() {
    store.addToSet(SetName.DEAD, T0, typed("a", "T", "100% done_now"));
    store.addToSet(SetName.DEAD, T0.plusSeconds(1), typed("b", "T", "1000 doneXnow"));
    store.addToSet(SetName.DEAD, T0.plusSeconds(2), typed("c", "T", "back\\\\slash"));
    assertThat(jids(store.scan(SetName.DEAD, new SetQuery(null, "0% done_", false), null, 10)))
        .containsExactly("a");
    assertThat(jids(store.scan(SetName.DEAD, new SetQuery(null, "done_", false), null, 10)))
        .containsExactly("a");
    assertThat(jids(store.scan(SetName.DEAD, new SetQuery(null, "k\\\\s", false), null, 10)))
        .containsExactly("c");
  }

  @Test
  void aFilteredScanStopsAfterItsBudgetWithACursorToGoOn() {
    int n = Store.SCAN_BUDGET + 2000;
    List<SetEntry> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String error = i == 3 || i == Store.SCAN_BUDGET + 100 ? "needle" : "hay";
      batch.add(entry(SetName.DEAD, T0.plusMillis(i), typed("j" + i, "T", error)));
    }
    store.addAllToSet(batch);
    SetQuery needle = new SetQuery(null, "needle", false);

    SetPage first = store.scan(SetName.DEAD, needle, null, 10);
    assertThat(jids(first)).containsExactly("j3");
    assertThat(first.next()).as("budget spent before the end: go on from here").isNotNull();
    SetPage second = store.scan(SetName.DEAD, needle, first.next(), 10);
    assertThat(jids(second)).containsExactly("j" + (Store.SCAN_BUDGET + 100));
    assertThat(second.next()).isNull();

    SetQuery newestNeedle = new SetQuery(null, "needle", true);
    SetPage none =
        store.scan(SetName.DEAD, newestNeedle, batch.get(Store.SCAN_BUDGET + 50).key(), 10);
    assertThat(none.entries()).isEmpty();
    assertThat(none.next()).isNotNull();
    assertThat(jids(store.scan(SetName.DEAD, newestNeedle, none.next(), 10))).containsExactly("j3");
    assertThat(all(SetName.DEAD, newestNeedle, 1))
        .extracting(SetEntry::jid)
        .containsExactly("j" + (Store.SCAN_BUDGET + 100), "j3");
  }

  // ---------------------------------------------------------------- actions

  @Test
  void mutateByKeysActsOnSelectedEntriesOnly() {
    store.enqueue(List.of(job("first", "q")));
    for (String jid : List.of("a", "b", "c", "d")) {
      store.addToSet(SetName.RETRIES, T0, job(jid, "q"));
    }
    store.addToSet(SetName.RETRIES, T0, job("a", "twin"));
    List<SetEntry> e = store.scan(SetName.RETRIES, SetQuery.ALL, null, 10).entries();
    assertThat(e).extracting(SetEntry::jid).containsExactly("a", "a", "b", "c", "d");
    SetEntry.Key unknown = new SetEntry.Key(T0.plusSeconds(9), "zz", 424242);

    assertThat(
            store.mutate(SetName.RETRIES, List.of(e.get(1).key(), unknown), new Mutation.Requeue()))
        .isEqualTo(1);
    assertThat(store.browse("twin", 0, 10)).extracting(QueuedJob::jid).containsExactly("a");
    assertThat(
            store.mutate(
                SetName.RETRIES, List.of(e.get(2).key(), e.get(2).key()), new Mutation.Delete()))
        .isEqualTo(1);
    Instant expiry = T0.plusSeconds(500);
    assertThat(store.mutate(SetName.RETRIES, List.of(e.get(3).key()), new Mutation.Kill(expiry)))
        .isEqualTo(1);
    assertThat(store.mutate(SetName.DEAD, List.of(e.get(0).key()), new Mutation.Delete())).isZero();

    assertThat(store.scan(SetName.RETRIES, SetQuery.ALL, null, 10).entries())
        .extracting(SetEntry::jid, SetEntry::queue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", "q"),
            org.assertj.core.groups.Tuple.tuple("d", "q"));
    assertThat(store.scan(SetName.DEAD, SetQuery.ALL, null, 10).entries())
        .extracting(SetEntry::jid, SetEntry::score)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("c", expiry));
    assertThat(store.setSize(SetName.RETRIES)).isEqualTo(2);
    assertThat(store.setSize(SetName.DEAD)).isEqualTo(1);
    assertThat(store.queueSize("q")).isEqualTo(1);
  }

  @Test
  void mutateByQueryActsOnEveryMatch() {
    store.enqueue(List.of(job("first", "q")));
    store.addToSet(SetName.RETRIES, T0, typed("m1", "Mailer", "x"));
    store.addToSet(SetName.RETRIES, T0.plusSeconds(1), typed("b1", "Billing", "timeout"));
    store.addToSet(SetName.RETRIES, T0.plusSeconds(2), typed("m2", "Mailer", "timeout"));
    store.addToSet(SetName.RETRIES, T0.plusSeconds(3), typed("m3", "Mailer", "y"));

    // Order is irrelevant to a bulk action; requeued jobs join their queue lowest score first.
    assertThat(
            store.mutate(
                SetName.RETRIES, new SetQuery("Mailer", null, true), new Mutation.Requeue()))
        .isEqualTo(3);
    assertThat(store.browse("q", 0, 10))
        .extracting(QueuedJob::jid)
        .containsExactly("first", "m1", "m2", "m3");
    assertThat(
            store.mutate(
                SetName.RETRIES, new SetQuery(null, "TIMEOUT", false), new Mutation.Delete()))
        .isEqualTo(1);
    assertThat(store.setSize(SetName.RETRIES)).isZero();
    assertThat(store.mutate(SetName.RETRIES, SetQuery.ALL, new Mutation.Delete())).isZero();
  }

  @Test
  void killByQueryWithinDeadVisitsEachEntryOnce() {
    List<SetEntry> batch = new ArrayList<>();
    for (int i = 0; i < 2500; i++) { // more than one chunk
      batch.add(
          entry(SetName.DEAD, T0.plusMillis(i), typed("d" + i, i % 2 == 0 ? "Even" : "Odd", "e")));
    }
    store.addAllToSet(batch);
    Instant later = T0.plusSeconds(3600);

    assertThat(
            store.mutate(SetName.DEAD, new SetQuery("Even", null, false), new Mutation.Kill(later)))
        .isEqualTo(1250);
    assertThat(store.setSize(SetName.DEAD)).isEqualTo(2500);
    List<SetEntry> after = all(SetName.DEAD, SetQuery.ALL, 1000);
    assertThat(after).hasSize(2500);
    assertThat(after.subList(0, 1250)).allMatch(e -> jobtypeOdd(e) && e.score().isBefore(later));
    assertThat(after.subList(1250, 2500)).allMatch(e -> !jobtypeOdd(e) && e.score().equals(later));

    // the predicate form (MUTATE's) walks in chunks the same way
    assertThat(store.mutate(SetName.DEAD, e -> true, new Mutation.Kill(later.plusSeconds(1))))
        .isEqualTo(2500);
    assertThat(store.scan(SetName.DEAD, SetQuery.ALL, null, 1).entries().getFirst().score())
        .isEqualTo(later.plusSeconds(1));
  }

  @Test
  void bulkMutationsCommitChunkByChunk() {
    List<SetEntry> batch = new ArrayList<>();
    for (int i = 0; i < 3500; i++) {
      batch.add(entry(SetName.RETRIES, T0.plusMillis(i), job("r" + i, "q")));
    }
    store.addAllToSet(batch);
    // The filter sees the set shrink while it walks: earlier chunks are done before later ones are
    // read, so no call holds every match at once.
    List<Long> sizesSeen = new ArrayList<>();
    int changed =
        store.mutate(
            SetName.RETRIES,
            e -> {
              sizesSeen.add(store.setSize(SetName.RETRIES));
              return true;
            },
            new Mutation.Delete());
    assertThat(changed).isEqualTo(3500);
    assertThat(sizesSeen).hasSize(3500).contains(3500L).doesNotContain(0L);
    assertThat(sizesSeen.getLast()).isLessThanOrEqualTo(1000L);
    assertThat(store.setSize(SetName.RETRIES)).isZero();
  }

  private static boolean jobtypeOdd(SetEntry e) {
    return text(e.payload()).contains("\"Odd\"");
  }

  @Test
  void mutateByQueryGoesOnPastTheScanBudget() {
    int n = Store.SCAN_BUDGET * 2 + 10;
    List<SetEntry> batch = new ArrayList<>(n);
    int rare = 0;
    for (int i = 0; i < n; i++) {
      boolean isRare = i % 1000 == 7;
      rare += isRare ? 1 : 0;
      batch.add(
          entry(
              SetName.RETRIES, T0.plusMillis(i), typed("r" + i, "T", isRare ? "rare" : "common")));
    }
    store.addAllToSet(batch);
    assertThat(
            store.mutate(SetName.RETRIES, new SetQuery(null, "rare", false), new Mutation.Delete()))
        .isEqualTo(rare);
    assertThat(store.setSize(SetName.RETRIES)).isEqualTo(n - rare);
    assertThat(
            store.mutate(SetName.RETRIES, new SetQuery(null, "rare", false), new Mutation.Delete()))
        .isZero();
    assertThat(store.mutate(SetName.RETRIES, e -> e.jid().endsWith("9"), new Mutation.Delete()))
        .isEqualTo(n / 10);
  }

  @Test
  void addAllToSetAddsEachEntryToItsSet() {
    store.addAllToSet(
        List.of(
            entry(SetName.DEAD, T0, job("d", "q")),
            entry(SetName.RETRIES, T0, job("r", "q")),
            entry(SetName.DEAD, T0.minusSeconds(1), job("e", "q"))));
    store.addAllToSet(List.of());
    assertThat(jids(store.scan(SetName.DEAD, SetQuery.ALL, null, 10))).containsExactly("e", "d");
    assertThat(store.setSize(SetName.DEAD)).isEqualTo(2);
    assertThat(store.setSize(SetName.RETRIES)).isEqualTo(1);
  }
}
