package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fabrik.server.storage.Counters;
import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.StorageException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * SQLITE_FULL (a database capped by {@code max_page_count}) stands in for a full disk: a write that
 * cannot be stored fails (the client hears {@code -ERR}), nothing answered is lost, ACK and FAIL
 * keep their reservations, and the log gets one line however many writes fail.
 */
class SqliteDiskFullTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  private static QueuedJob big(String jid) {
    byte[] payload = new byte[2000];
    Arrays.fill(payload, (byte) 'x');
    return new QueuedJob(jid, "q", payload);
  }

  @Test
  void aFullDatabaseFailsTheWriteAndKeepsEverythingElse() {
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH, 1 << 20, 64)) {
      List<String> stored = new ArrayList<>();
      StorageException full = null;
      for (int i = 0; i < 1000 && full == null; i++) {
        try {
          store.enqueue(List.of(big("j" + i)));
          stored.add("j" + i);
        } catch (StorageException e) {
          full = e;
        }
      }
      assertThat(full).as("the cap was reached").isNotNull();
      assertThat(stored).isNotEmpty();
      assertThat(store.queueSize("q")).isEqualTo(stored.size());
      // a batch that does not fit is stored not at all
      assertThatThrownBy(() -> store.enqueue(List.of(big("x1"), big("x2"))))
          .isInstanceOf(StorageException.class);
      assertThat(store.queueSize("q")).isEqualTo(stored.size());
      // nor is a PUSHB's scheduled part when its queued part does not fit
      QueuedJob later = big("s1");
      SetEntry scheduled =
          new SetEntry(SetName.SCHEDULED, T0, later.jid(), later.queue(), new byte[10]);
      assertThatThrownBy(() -> store.push(List.of(big("x3"), big("x4")), List.of(scheduled)))
          .isInstanceOf(StorageException.class);
      assertThat(store.setSize(SetName.SCHEDULED)).isZero();

      // committed jobs are intact, fetchable and ackable; acks free room
      List<String> fetched = new ArrayList<>();
      for (int i = 0; i < stored.size(); i++) {
        Reservation r =
            store.reserve(List.of("q"), "w", T0, payload -> T0.plusSeconds(60)).orElseThrow();
        assertThat(r.payload()).hasSize(2000);
        fetched.add(r.jid());
        assertThat(store.acknowledge(r.jid())).isPresent();
      }
      assertThat(fetched).isEqualTo(stored);
      assertThat(store.counters().processed()).isEqualTo(stored.size());

      store.enqueue(List.of(big("after")));
      assertThat(store.reserve(List.of("q"), "w", T0, payload -> T0.plusSeconds(60)))
          .map(Reservation::jid)
          .contains("after");
    }
  }

  @Test
  void ackAndFailThatCannotBeStoredFailKeepTheirReservationsAndAreLoggedOnce() throws Exception {
    ListAppender<ILoggingEvent> logged = captureStorageLog();
    List<String> stored;
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH, 1 << 20, 64)) {
      stored = fill(store);
      Reservation failing = reserve(store);
      Reservation acking = reserve(store);
      Reservation asyncAcking = reserve(store);

      // FAIL must store a retry (with a long backtrace), for which the deleted job leaves no room
      assertThatThrownBy(() -> store.fail(failing.jid(), retry()))
          .isInstanceOf(StorageException.class);
      // A deletion needs no new page, so a capped database cannot refuse it; a trigger refuses it
      // instead, as a full disk refuses the WAL frames of any commit.
      refuseDeletes(true);
      assertThatThrownBy(() -> store.acknowledge(acking.jid()))
          .isInstanceOf(StorageException.class);
      assertThat(store.acknowledgeAsync(asyncAcking.jid()))
          .failsWithin(30, TimeUnit.SECONDS)
          .withThrowableThat()
          .havingRootCause()
          .withMessageContaining("database or disk is full");
      for (int i = 0; i < 200; i++) {
        int n = i;
        assertThatThrownBy(() -> store.enqueue(List.of(big("more" + n))))
            .isInstanceOf(StorageException.class);
      }

      assertThat(store.reservations(10))
          .map(Reservation::jid)
          .containsExactly(failing.jid(), acking.jid(), asyncAcking.jid());
      assertThat(store.counters().processed()).isZero();
      assertThat(logged.list)
          .as("one line for %d failed writes", 203)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                assertThat(e.getFormattedMessage()).contains("SQLite write failing", "SQLITE_FULL");
              });

      // Room again: what was refused can be done now, and it all holds after a restart.
      refuseDeletes(false);
      assertThat(store.acknowledge(acking.jid())).isPresent();
      assertThat(store.acknowledge(asyncAcking.jid())).isPresent();
      assertThat(store.fail(failing.jid(), r -> new FailureDecision.Discard())).isPresent();
      stored.removeAll(List.of(failing.jid(), acking.jid(), asyncAcking.jid()));
    }
    try (SqliteStore reopened = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      List<String> queued = new ArrayList<>();
      reopened.browse("q", 0, 10_000).forEach(j -> queued.add(j.jid()));
      assertThat(queued).isEqualTo(stored);
      assertThat(reopened.counters()).isEqualTo(new Counters(3, 1));
    }
  }

  /** Pushes 2 KB jobs until the cap refuses one; returns the jids stored. */
  private static List<String> fill(SqliteStore store) {
    List<String> stored = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      try {
        store.enqueue(List.of(big("j" + i)));
        stored.add("j" + i);
      } catch (StorageException e) {
        return stored;
      }
    }
    throw new AssertionError("the cap was never reached");
  }

  private static Reservation reserve(SqliteStore store) {
    return store.reserve(List.of("q"), "w", T0, payload -> T0.plusSeconds(60)).orElseThrow();
  }

  private static FailureDecision retry() {
    return r -> new FailureDecision.Retry(T0.plusSeconds(30), new byte[64 * 1024]);
  }

  private void refuseDeletes(boolean on) throws SQLException {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Schema.FILE_NAME));
        Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
      s.execute(
          on
              ? "CREATE TRIGGER refuse_delete BEFORE DELETE ON jobs"
                  + " BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
              : "DROP TRIGGER refuse_delete");
    }
  }

  /** WARN and ERROR lines of the storage package while the test runs. */
  private static ListAppender<ILoggingEvent> captureStorageLog() {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.fabrik.server.storage");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    return appender;
  }

  @AfterEach
  void stopCapturing() {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.fabrik.server.storage");
    logger.detachAndStopAllAppenders();
  }
}
