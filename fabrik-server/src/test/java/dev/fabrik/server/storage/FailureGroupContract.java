package dev.fabrik.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.triage.FailureGroup;
import dev.fabrik.server.triage.FailureGroupStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Store#failures()}: the failure groups stay exact on every path that adds or removes set
 * entries, and the fingerprint filter of {@link SetQuery} pages a group. Every store passes it.
 */
public abstract class FailureGroupContract {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final String A = "aaaaaaaaaaaaaaa1";
  private static final String B = "bbbbbbbbbbbbbbb2";

  protected Store store;

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

  private static byte[] failed(String jid, String jobtype, String fingerprint, String message) {
    return ("{\"jid\":\""
            + jid
            + "\",\"jobtype\":\""
            + jobtype
            + "\",\"queue\":\"q\",\"args\":[],\"failure\":{\"retry_count\":0,\"remaining\":1,"
            + "\"message\":\""
            + message
            + "\",\"errtype\":\"E\",\"fingerprint\":\""
            + fingerprint
            + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private void add(SetName set, int second, String jid, String type, String fp) {
    store.addToSet(
        set, T0.plusSeconds(second), new QueuedJob(jid, "q", failed(jid, type, fp, "boom " + jid)));
  }

  private FailureGroupStore groups() {
    return store.failures();
  }

  private Map<String, Long> counts(SetName set) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (FailureGroup g : groups().groups(set, FailureGroup.Order.COUNT, 100)) {
      out.put(g.fingerprint(), g.count());
    }
    return out;
  }

  @Test
  void groupsCountEntriesPerFingerprintAndJobType() {
    add(SetName.DEAD, 1, "a1", "X", A);
    add(SetName.DEAD, 2, "a2", "X", A);
    add(SetName.DEAD, 3, "a3", "Y", A);
    add(SetName.DEAD, 4, "b1", "Y", B);
    store.addToSet(
        SetName.DEAD,
        T0,
        new QueuedJob("plain", "q", "{\"jid\":\"plain\"}".getBytes(StandardCharsets.UTF_8)));

    List<FailureGroup> byCount = groups().groups(SetName.DEAD, FailureGroup.Order.COUNT, 100);
    assertThat(byCount).extracting(FailureGroup::fingerprint).containsExactly(A, B);
    FailureGroup a = byCount.getFirst();
    assertThat(a.count()).isEqualTo(3);
    assertThat(a.jobtypes()).isEqualTo(Map.of("X", 2L, "Y", 1L));
    assertThat(a.errtype()).isEqualTo("E");
    assertThat(a.message()).isEqualTo("boom a3");
    assertThat(a.maskedMessage()).isEqualTo("boom a<n>");
    assertThat(a.sample().jid()).isEqualTo("a3");
    assertThat(store.find(SetName.DEAD, a.sample())).isPresent();
    assertThat(a.firstSeen()).isNotNull().isBeforeOrEqualTo(a.lastSeen());
    assertThat(groups().groups(SetName.DEAD, FailureGroup.Order.LAST_SEEN, 1)).hasSize(1);
    assertThat(groups().grouped(SetName.DEAD)).isEqualTo(4);
    assertThat(groups().group(SetName.DEAD, B).orElseThrow().jobtypes()).isEqualTo(Map.of("Y", 1L));
    assertThat(groups().group(SetName.RETRIES, A)).isEmpty();
  }

  @Test
  void aFailStoredAsRetryOrDeadJoinsItsGroup() {
    store.enqueue(List.of(new QueuedJob("j1", "q", failed("j1", "X", A, "m"))));
    store.enqueue(List.of(new QueuedJob("j2", "q", failed("j2", "X", A, "m"))));
    for (int i = 0; i < 2; i++) {
      Reservation r = store.reserve(List.of("q"), "w", T0, p -> T0.plusSeconds(60)).orElseThrow();
      boolean retry = i == 0;
      store.fail(
          r.jid(),
          res ->
              retry
                  ? new FailureDecision.Retry(T0.plusSeconds(30), res.payload())
                  : new FailureDecision.Dead(T0.plusSeconds(99), res.payload()));
    }
    assertThat(counts(SetName.RETRIES)).isEqualTo(Map.of(A, 1L));
    assertThat(counts(SetName.DEAD)).isEqualTo(Map.of(A, 1L));
  }

  @Test
  void everyPathThatRemovesOrMovesEntriesKeepsTheCountsExact() {
    for (int i = 0; i < 6; i++) {
      add(SetName.RETRIES, i, "a" + i, "X", A);
      add(SetName.RETRIES, 10 + i, "b" + i, "Y", B);
    }
    // kill a group (bulk task by fingerprint): retries → dead
    int killed =
        store.mutate(
            SetName.RETRIES,
            SetQuery.ALL.withFingerprint(B),
            new Mutation.Kill(T0.plusSeconds(1000)));
    assertThat(killed).isEqualTo(6);
    assertThat(counts(SetName.RETRIES)).isEqualTo(Map.of(A, 6L));
    assertThat(counts(SetName.DEAD)).isEqualTo(Map.of(B, 6L));

    // delete one by key, requeue due retries, trim and purge the dead
    SetEntry first = store.scan(SetName.RETRIES, null, 1).getFirst();
    assertThat(store.mutate(SetName.RETRIES, List.of(first.key()), new Mutation.Delete()))
        .isEqualTo(1);
    assertThat(store.enqueueDue(SetName.RETRIES, T0.plusSeconds(2), 100, p -> p)).isEqualTo(2);
    assertThat(counts(SetName.RETRIES)).isEqualTo(Map.of(A, 3L));
    assertThat(store.trim(SetName.DEAD, 4)).isEqualTo(2);
    assertThat(store.purgeDue(SetName.DEAD, T0.plusSeconds(2000), 1)).isEqualTo(1);
    assertThat(counts(SetName.DEAD)).isEqualTo(Map.of(B, 3L));
    assertThat(groups().group(SetName.DEAD, B).orElseThrow().jobtypes()).isEqualTo(Map.of("Y", 3L));

    // requeue a whole group, delete the other
    assertThat(
            store.mutate(SetName.RETRIES, SetQuery.ALL.withFingerprint(A), new Mutation.Requeue()))
        .isEqualTo(3);
    assertThat(store.mutate(SetName.DEAD, e -> true, new Mutation.Delete())).isEqualTo(3);
    assertThat(counts(SetName.RETRIES)).isEmpty();
    assertThat(counts(SetName.DEAD)).isEmpty();
    assertThat(groups().grouped(SetName.DEAD)).isZero();
    assertThat(groups().group(SetName.DEAD, B)).isEmpty();

    add(SetName.DEAD, 1, "again", "X", A);
    store.flush();
    assertThat(counts(SetName.DEAD)).isEmpty();
  }

  @Test
  void aFingerprintQueryPagesOnlyItsGroupInEitherOrder() {
    for (int i = 0; i < 7; i++) {
      add(SetName.DEAD, 2 * i, "a" + i, "X", A);
      add(SetName.DEAD, 2 * i + 1, "b" + i, i % 2 == 0 ? "X" : "Y", B);
    }
    for (boolean desc : List.of(false, true)) {
      SetQuery q = new SetQuery(null, null, desc, B);
      List<String> jids = new ArrayList<>();
      SetEntry.Key after = null;
      do {
        SetPage page = store.scan(SetName.DEAD, q, after, 3);
        page.entries().forEach(e -> jids.add(e.jid()));
        after = page.next();
      } while (after != null);
      List<String> expected = List.of("b0", "b1", "b2", "b3", "b4", "b5", "b6");
      assertThat(jids).isEqualTo(desc ? expected.reversed() : expected);
    }
    assertThat(store.scan(SetName.DEAD, new SetQuery("Y", null, false, B), null, 10).entries())
        .extracting(SetEntry::jid)
        .containsExactly("b1", "b3", "b5");
  }
}
