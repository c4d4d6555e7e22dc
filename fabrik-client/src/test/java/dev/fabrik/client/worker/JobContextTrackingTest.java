package dev.fabrik.client.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.client.Jobs;
import dev.fabrik.protocol.Job;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What {@link JobContext#progress} and {@link JobContext#extendReservation} hand on. */
class JobContextTrackingTest {
  private static final Instant NOW = Instant.parse("2026-06-30T17:00:00Z");
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private final Job job = Jobs.of("Resize");

  private final JobContext.Tracking recording =
      new JobContext.Tracking() {
        @Override
        public void progress(String jid, int percent, String description) {
          sent.add("progress " + jid + " " + percent + " " + description);
        }

        @Override
        public void extendReservation(String jid, Instant until) {
          sent.add("extend " + jid + " " + until);
        }
      };

  private JobContext context(JobContext.Tracking tracking) {
    return JobContext.of(job, j -> {}, tracking, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void progressAndExtensionGoToTheTrackingWithTheJobsJid() {
    JobContext ctx = context(recording);
    ctx.progress(40, "resizing");
    ctx.extendReservation(Duration.ofHours(2));
    assertThat(sent)
        .containsExactly(
            "progress " + job.jid() + " 40 resizing",
            "extend " + job.jid() + " " + NOW.plus(Duration.ofHours(2)));
  }

  @Test
  void outOfRangeValuesAreRefusedBeforeAnythingIsSent() {
    JobContext ctx = context(recording);
    assertThatThrownBy(() -> ctx.progress(-1, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ctx.extendReservation(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ctx.extendReservation(Duration.ofHours(24).plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(sent).isEmpty();
  }

  @Test
  void aProgressThatCannotBeSentDoesNotFailTheJobButAnExtensionDoes() {
    JobContext.Tracking broken =
        new JobContext.Tracking() {
          @Override
          public void progress(String jid, int percent, String description) {
            throw new IllegalStateException("connection lost");
          }

          @Override
          public void extendReservation(String jid, Instant until) {
            throw new IllegalStateException("connection lost");
          }
        };
    JobContext ctx = context(broken);
    ctx.progress(10, null);
    assertThatThrownBy(() -> ctx.extendReservation(Duration.ofMinutes(5)))
        .hasMessage("connection lost");
  }

  @Test
  void anExtendedLocalDeadlineNoLongerFiresWhenTheOriginalWould() throws Exception {
    ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    try {
      CountDownLatch plainExpired = new CountDownLatch(1);
      List<Duration> extendedExpired = new CopyOnWriteArrayList<>();
      ReservationTimer plain =
          new ReservationTimer(timers, Clock.systemUTC(), lasted -> plainExpired::countDown);
      ReservationTimer extended =
          new ReservationTimer(
              timers, Clock.systemUTC(), lasted -> () -> extendedExpired.add(lasted));
      extended.start(Duration.ofMillis(50));
      plain.start(Duration.ofMillis(50));
      extended.extendTo(Instant.now().plus(Duration.ofHours(1)));
      extended.extendTo(Instant.now()); // earlier: ignored

      assertThat(plainExpired.await(10, TimeUnit.SECONDS)).isTrue();
      // The one-thread executor ran the plain timer; the extended one, due at the same time, did
      // not run before it and is now an hour away.
      timers.submit(() -> {}).get();
      assertThat(extendedExpired).isEmpty();
      extended.cancel();
    } finally {
      timers.shutdownNow();
    }
  }
}
