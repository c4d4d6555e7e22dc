package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ACK batches commit with synchronous_commit off, PUSH batches with the server's setting (on), and
 * the two never share a transaction ({@link PgGroupCommit}, {@link PgAcks}). An async ACK batch is
 * one autocommitted statement (no separate COMMIT round trip): its implicit transaction sets
 * synchronous_commit off, which the probe no longer sees afterwards (SET LOCAL ended with it).
 */
class PgAckCommitTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgackcommit");

  /** What the probe saw in one batch's transaction right before its COMMIT. */
  private record Seen(int jobs, int acks, String synchronousCommit, boolean autoCommit) {}

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private PostgresStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private static QueuedJob job(String jid) {
    return new QueuedJob(
        jid, "q", ("{\"jid\":\"" + jid + "\"}").getBytes(StandardCharsets.UTF_8), 5);
  }

  private static String show(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private void record(int jobs, int acks, Connection c) throws SQLException {
    seen.add(new Seen(jobs, acks, show(c), c.getAutoCommit()));
  }

  /**
   * A migrated store whose connections have synchronous_commit on whatever the test cluster's
   * default is (dev/postgres --fast turns it off), so a PUSH batch's "on" is this code's doing.
   */
  private PostgresStore durableStore() {
    return durableStore(false);
  }

  /**
   * @param durableAcks {@code [postgres] ack_commit = "sync"}
   */
  private PostgresStore durableStore(boolean durableAcks) {
    PostgresStore migrated = schemas.newStore();
    String schema = PgSchemas.schemaOf(migrated);
    migrated.close();
    String url = System.getenv(PgTestDatabase.ENV);
    PgUrl durable =
        PgUrl.parse(url + (url.contains("?") ? "&" : "?") + "options=-c%20synchronous_commit%3Don");
    return PostgresStore.openWithoutListening(PgDatabase.open(durable, schema, 4), durableAcks);
  }

  private Reservation reserveOne() {
    Optional<Reservation> r = store.reserve(List.of("q"), "w1", T0, p -> T0.plusSeconds(60));
    assertThat(r).isPresent();
    return r.orElseThrow();
  }

  @Test
  void anAckCommitsWithoutWaitingForTheFlushAndAPushWaitsForIt() throws Exception {
    store = durableStore();
    store.writes().beforeCommit(this::record);

    store.enqueue(List.of(job("j1")));
    Reservation r = reserveOne();
    assertThat(store.acknowledge(r.jid())).isPresent();

    assertThat(seen).containsExactly(new Seen(1, 0, "on", false), new Seen(0, 1, "on", true));
    // The ACK committed in its own statement: the row is gone for every other connection.
    try (Connection c = store.database().connection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM " + PgSchemas.schemaOf(store) + ".jobs")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
    // SET LOCAL semantics: the pooled connection the ACK used is back to the server's setting.
    try (Connection c = store.database().connection()) {
      assertThat(show(c)).isEqualTo("on");
    }
  }

  @Test
  void withAckCommitSyncAnAckWaitsForTheFlushToo() throws Exception {
    store = durableStore(true);
    store.writes().beforeCommit(this::record);

    store.enqueue(List.of(job("j1")));
    assertThat(store.acknowledge(reserveOne().jid())).isPresent();

    assertThat(seen).containsExactly(new Seen(1, 0, "on", false), new Seen(0, 1, "on", false));
  }

  @Test
  void pushesAndAcksWaitingTogetherCommitInSeparateTransactions() throws Exception {
    store = durableStore();
    List<String> jids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      jids.add("a" + i);
    }
    store.enqueue(jids.stream().map(PgAckCommitTest::job).toList());
    List<Reservation> held = new ArrayList<>();
    for (int i = 0; i < jids.size(); i++) {
      held.add(reserveOne());
    }

    // The first PUSH batch holds the writers (the one running it keeps the statement order lock)
    // until PUSHes and ACKs are all waiting, interleaved: the next batches could mix them.
    CountDownLatch queued = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    store
        .writes()
        .beforeCommit(
            (jobs, acks, c) -> {
              if (holding.getCount() > 0) {
                holding.countDown();
                try {
                  assertThat(queued.await(30, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              record(jobs, acks, c);
            });
    CompletableFuture<Void> first = store.enqueueAsync(List.of(job("first")));
    assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      all.add(store.enqueueAsync(List.of(job("b" + i))));
      all.add(store.acknowledgeAsync(held.get(i).jid()));
    }
    queued.countDown();
    first.get(30, TimeUnit.SECONDS);
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    assertThat(seen).allSatisfy(s -> assertThat(s.jobs() == 0 || s.acks() == 0).isTrue());
    assertThat(seen)
        .filteredOn(s -> s.jobs() > 0)
        .allMatch(s -> s.synchronousCommit().equals("on"));
    assertThat(seen).filteredOn(s -> s.jobs() > 0).noneMatch(Seen::autoCommit);
    assertThat(seen).filteredOn(s -> s.acks() > 0).allMatch(Seen::autoCommit);
    assertThat(seen.stream().mapToInt(Seen::jobs).sum()).isEqualTo(21);
    assertThat(seen.stream().mapToInt(Seen::acks).sum()).isEqualTo(20);
  }
}
