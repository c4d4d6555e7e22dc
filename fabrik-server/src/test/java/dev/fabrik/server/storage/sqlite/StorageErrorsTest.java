package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Failures are logged once per run and interval, with counts; the clock is the test's. */
class StorageErrorsTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong();
  private final Logger logger = (Logger) LoggerFactory.getLogger("test.StorageErrors");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final StorageErrors errors = new StorageErrors(logger, now::get, Duration.ofSeconds(60));

  StorageErrorsTest() {
    logger.setLevel(Level.INFO);
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void detach() {
    logger.detachAndStopAllAppenders();
  }

  private static SQLException full() {
    return new SQLException(
        "[SQLITE_FULL] Insertion failed because database is full (database or disk is full)");
  }

  private List<String> messages() {
    return lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  @Test
  void aRunOfFailuresIsOneLineThenOnePerIntervalThenOneWhenItEnds() {
    // a write fails every 100 ms for 150 s: 1,501 failures
    for (long t = 0; t <= 150 * SECOND; t += SECOND / 10) {
      now.set(t);
      errors.failed("SQLite write", full());
      errors.succeeded("SQLite write"); // small writes still get through meanwhile
    }
    now.set(200 * SECOND);
    errors.succeeded("SQLite write"); // 50 s after the last failure: the run is not over yet
    now.set(211 * SECOND);
    errors.succeeded("SQLite write");

    assertThat(messages())
        .containsExactly(
            "ERROR SQLite write failing: [SQLITE_FULL] Insertion failed because database is full"
                + " (database or disk is full); further failures are counted, one line per 60 s",
            "ERROR SQLite write failed 600 more times in 60 s; last: [SQLITE_FULL] Insertion"
                + " failed because database is full (database or disk is full)",
            "ERROR SQLite write failed 600 more times in 60 s; last: [SQLITE_FULL] Insertion"
                + " failed because database is full (database or disk is full)",
            "INFO SQLite write works again: no failure for 61 s after 1501 failures in 150 s");
  }

  @Test
  void kindsAreCountedApartAndFlushReportsWhatIsLeft() {
    errors.failed("SQLite write", full());
    errors.failed("WAL checkpoint", new SQLException("disk I/O error"));
    now.set(5 * SECOND);
    errors.failed("WAL checkpoint", new SQLException("disk I/O error"));
    errors.failed("WAL checkpoint", new SQLException("disk I/O error"));
    errors.flush();

    assertThat(messages())
        .hasSize(3)
        .element(2)
        .isEqualTo("ERROR WAL checkpoint failed 2 more times in 5 s; last: disk I/O error");
  }

  @Test
  void theCauseChainIsDescribedWithoutRepeats() {
    assertThat(StorageErrors.describe(new RuntimeException("outer", new SQLException("inner"))))
        .isEqualTo("outer <- inner");
    assertThat(
            StorageErrors.describe(
                new RuntimeException("SQLite write failed: [SQLITE_FULL] x", new Exception("x"))))
        .isEqualTo("SQLite write failed: [SQLITE_FULL] x");
  }
}
