package dev.fabrik.server.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.ManualClock;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.Store;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobStatsStore} (reached as {@link Store#history()}) must do, and the {@link
 * History} above it on that store. Subclasses open a fresh, empty store.
 */
public abstract class JobStatsStoreContract {
  /** A Wednesday, 10:00:00 UTC. */
  protected static final long T0 = Instant.parse("2026-07-01T10:00:00Z").getEpochSecond();

  protected Store store;
  protected JobStatsStore stats;

  protected abstract Store open() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
    stats = store.history();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static Tally tally(long processed, long failed) {
    return new Tally().add(Tally.PROCESSED, processed).add(Tally.FAILED, failed);
  }

  protected static HistoryRow minute(long start, String type, Tally t) {
    return new HistoryRow(Grain.MINUTE, start, type, t);
  }

  @Test
  void addsToABucketAddUp() {
    stats.add(List.of(minute(T0, "A", tally(3, 1)), minute(T0, "B", tally(5, 0))));
    stats.add(List.of(minute(T0, "A", tally(2, 2).run(1_500))));

    Tally expectedA = tally(5, 3).run(1_500);
    assertThat(stats.byType(Grain.MINUTE, T0, T0 + 60))
        .isEqualTo(Map.of("A", expectedA, "B", tally(5, 0)));
    assertThat(stats.series(Grain.MINUTE, T0, T0 + 60, null))
        .containsExactly(Map.entry(T0, tally(10, 3).run(1_500)));
    assertThat(stats.series(Grain.MINUTE, T0, T0 + 60, "A"))
        .containsExactly(Map.entry(T0, expectedA));
  }

  @Test
  void readsTakeBucketsStartingInTheHalfOpenWindowOfTheirGrainOnly() {
    stats.add(
        List.of(
            minute(T0 - 60, "A", tally(1, 0)),
            minute(T0, "A", tally(2, 0)),
            minute(T0 + 60, "A", tally(4, 0)),
            new HistoryRow(Grain.HOUR, T0, "A", tally(100, 0))));

    assertThat(stats.series(Grain.MINUTE, T0, T0 + 60, null)).containsOnlyKeys(T0);
    assertThat(stats.series(Grain.MINUTE, T0 - 60, T0 + 120, "A").values())
        .extracting(Tally::processed)
        .containsExactly(1L, 2L, 4L);
    assertThat(stats.series(Grain.MINUTE, T0, T0 + 120, "B")).isEmpty();
    assertThat(stats.byType(Grain.HOUR, T0, T0 + 3600).get("A").processed()).isEqualTo(100);
  }

  @Test
  void purgeDeletesOnlyOlderBucketsOfItsGrain() {
    stats.add(
        List.of(
            minute(T0 - 120, "A", tally(1, 1)),
            minute(T0, "A", tally(2, 0)),
            new HistoryRow(Grain.HOUR, T0 - 7200, "A", tally(3, 0))));

    int purged = 0;
    int n;
    do {
      n = stats.purge(Grain.MINUTE, T0, 1);
      purged += n;
    } while (n > 0);

    assertThat(purged).isEqualTo(2); // processed and failed of the old minute
    assertThat(stats.series(Grain.MINUTE, 0, Long.MAX_VALUE, null)).containsOnlyKeys(T0);
    assertThat(stats.series(Grain.HOUR, 0, Long.MAX_VALUE, null)).containsOnlyKeys(T0 - 7200);
  }

  @Test
  void theRecorderCountsEachOutcomeIntoMinuteHourAndDay() {
    ManualClock clock = new ManualClock(Instant.ofEpochSecond(T0 + 30));
    History history = new History(stats, clock, HistoryRetention.defaults());
    HistoryRecorder rec = history.recorder();

    rec.acknowledged(run("Email", clock, Duration.ofMillis(3)));
    rec.acknowledged(run("Email", clock, Duration.ofMillis(5)));
    rec.failed(run("Email", clock, Duration.ofMillis(40)), false, new RetryOutcome().retry);
    rec.failed(run("Email", clock, Duration.ofMillis(40)), false, new RetryOutcome().dead);
    rec.failed(run("Email", clock, Duration.ofMinutes(30)), true, new RetryOutcome().retry);
    rec.snoozed(run("Email", clock, Duration.ofMillis(1)), clock.instant().plusSeconds(60));
    rec.acknowledged(run("Report", clock, Duration.ofSeconds(2)));
    history.flush();

    for (Grain g : Grain.values()) {
      Map<String, Tally> byType = stats.byType(g, g.floor(T0), g.floor(T0) + g.seconds());
      Tally email = byType.get("Email");
      assertThat(email.processed()).as(g.name()).isEqualTo(5);
      assertThat(email.failed()).isEqualTo(3);
      assertThat(email.retried()).isEqualTo(2);
      assertThat(email.died()).isEqualTo(1);
      assertThat(email.expired()).isEqualTo(1);
      assertThat(email.snoozed()).isEqualTo(1);
      assertThat(email.get(Tally.RUNS)).isEqualTo(4); // not the expired one nor the snooze
      assertThat(email.meanMs()).isEqualTo(22.0);
      assertThat(byType.get("Report").p95Ms()).isBetween(1024.0, 2048.0);
    }
  }

  @Test
  void aWeekIsSummedFromDaysHoursAndMinutesExactlyToTheMinute() {
    // Now: Wednesday 10:00:30. The last 7 days reach back to last Wednesday 10:00 (whole
    // minutes), so a run at 09:59:50 that day is outside and one at 10:01 inside: the edge needs
    // minute buckets, the middle days and hours.
    ManualClock clock = new ManualClock(Instant.ofEpochSecond(T0 - 7 * 86_400 - 10));
    History history = new History(stats, clock, HistoryRetention.defaults());
    HistoryRecorder rec = history.recorder();
    rec.acknowledged(run("A", clock, Duration.ZERO)); // outside the week
    clock.advance(Duration.ofSeconds(70));
    rec.acknowledged(run("A", clock, Duration.ZERO)); // 10:01:00 a week ago: inside
    clock.advance(Duration.ofHours(13));
    rec.acknowledged(run("A", clock, Duration.ZERO)); // 23:01 a week ago
    clock.advance(Duration.ofDays(3));
    rec.acknowledged(run("A", clock, Duration.ZERO));
    rec.failed(run("A", clock, Duration.ZERO), false, new RetryOutcome().retry);
    clock.set(Instant.ofEpochSecond(T0 + 5));
    rec.acknowledged(run("A", clock, Duration.ZERO)); // this minute
    history.flush();
    clock.set(Instant.ofEpochSecond(T0 + 30));

    List<JobTypeStats> week = history.jobTypes(HistoryRange.WEEK, JobTypeSort.PROCESSED);
    List<JobTypeStats> hour = history.jobTypes(HistoryRange.HOUR, JobTypeSort.PROCESSED);

    assertThat(week).singleElement().satisfies(s -> assertThat(s.tally().processed()).isEqualTo(5));
    assertThat(week.getFirst().tally().failed()).isEqualTo(1);
    assertThat(hour).singleElement().satisfies(s -> assertThat(s.tally().processed()).isEqualTo(1));
    HistorySeries series = history.series(HistoryRange.WEEK, null);
    assertThat(series.points()).hasSize(168);
    assertThat(series.totalProcessed()).isEqualTo(4); // hourly points: the edge hour is not shown
    assertThat(history.series(HistoryRange.HOUR, "A").points().getLast().processed()).isEqualTo(1);
  }

  @Test
  void theRetentionPurgeKeepsEachGrainForItsOwnTime() {
    ManualClock clock = new ManualClock(Instant.ofEpochSecond(T0));
    HistoryRetention retention =
        new HistoryRetention(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(3));
    History history = new History(stats, clock, retention);
    history.recorder().acknowledged(run("A", clock, Duration.ZERO));
    history.flush();

    clock.advance(Duration.ofHours(2));
    history.purge();
    assertThat(stats.series(Grain.MINUTE, 0, Long.MAX_VALUE, null)).isEmpty();
    assertThat(stats.series(Grain.HOUR, 0, Long.MAX_VALUE, null)).hasSize(1);
    // The last hour, no longer in minutes, is summed from the hour that holds it.
    clock.set(Instant.ofEpochSecond(T0 + 30 * 60 + 3600));
    assertThat(history.jobTypes(HistoryRange.DAY, JobTypeSort.NAME)).hasSize(1);

    clock.advance(Duration.ofDays(2));
    history.purge();
    assertThat(stats.series(Grain.HOUR, 0, Long.MAX_VALUE, null)).isEmpty();
    assertThat(history.jobTypes(HistoryRange.WEEK, JobTypeSort.NAME))
        .singleElement()
        .satisfies(s -> assertThat(s.tally().processed()).isEqualTo(1));

    clock.advance(Duration.ofDays(2));
    history.purge();
    assertThat(stats.series(Grain.DAY, 0, Long.MAX_VALUE, null)).isEmpty();
  }

  /** A reservation of a {@code type} job made {@code ran} before the clock's now. */
  protected static Reservation run(String type, ManualClock clock, Duration ran) {
    String json = "{\"jid\":\"j\",\"jobtype\":\"" + type + "\",\"args\":[]}";
    Instant now = clock.instant();
    return new Reservation(
        "j", "default", json.getBytes(StandardCharsets.UTF_8), "w", now.minus(ran), now);
  }

  /** The outcomes a FAIL reports (their payloads do not matter to the history). */
  static final class RetryOutcome {
    final dev.fabrik.server.storage.FailureDecision.Outcome retry =
        new dev.fabrik.server.storage.FailureDecision.Retry(Instant.EPOCH, new byte[0]);
    final dev.fabrik.server.storage.FailureDecision.Outcome dead =
        new dev.fabrik.server.storage.FailureDecision.Dead(Instant.EPOCH, new byte[0]);
  }
}
