package dev.fabrik.server.cron;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TickPlanTest {
  private static final Schedule MINUTELY = Schedule.parse("* * * * *", ZoneOffset.UTC);
  private static final Instant LAST = Instant.parse("2026-06-30T17:00:00Z");

  @Test
  void nothingDueBeforeTheNextTick() {
    assertThat(TickPlan.of(MINUTELY, CatchUp.LAST, LAST, LAST.plusSeconds(59)).isEmpty()).isTrue();
  }

  @Test
  void onTimeTicksAllFireWhateverThePolicy() {
    Schedule fiveSeconds = Schedule.parse("*/5 * * * * *", ZoneOffset.UTC);
    Instant now = LAST.plusSeconds(12); // 17:00:05 and 17:00:10 due, both within the grace
    for (CatchUp p : CatchUp.values()) {
      assertThat(TickPlan.of(fiveSeconds, p, LAST, now).fire())
          .containsExactly(LAST.plusSeconds(5), LAST.plusSeconds(10));
    }
  }

  @Test
  void missedTicksFollowThePolicy() {
    Instant now = LAST.plusSeconds(10 * 60 + 5); // down for ten minutes; 17:10 is 5 s late
    assertThat(TickPlan.of(MINUTELY, CatchUp.ALL, LAST, now).fire()).hasSize(10);
    assertThat(TickPlan.of(MINUTELY, CatchUp.LAST, LAST, now).fire())
        .containsExactly(LAST.plusSeconds(600)); // on time anyway
    assertThat(TickPlan.of(MINUTELY, CatchUp.NONE, LAST, now).fire())
        .containsExactly(LAST.plusSeconds(600));

    Schedule hourly = Schedule.parse("@hourly", ZoneOffset.UTC);
    Instant later = LAST.plusSeconds(3 * 3600 + 600); // 18:00, 19:00, 20:00 missed; now 20:10
    assertThat(TickPlan.of(hourly, CatchUp.LAST, LAST, later).fire())
        .containsExactly(LAST.plusSeconds(3 * 3600));
    assertThat(TickPlan.of(hourly, CatchUp.ALL, LAST, later).fire())
        .containsExactly(
            LAST.plusSeconds(3600), LAST.plusSeconds(2 * 3600), LAST.plusSeconds(3 * 3600));
    TickPlan none = TickPlan.of(hourly, CatchUp.NONE, LAST, later);
    assertThat(none.fire()).isEmpty();
    assertThat(none.skipTo()).isEqualTo(LAST.plusSeconds(3 * 3600));
  }

  @Test
  void allIsBounded() {
    Instant now = LAST.plusSeconds(3 * 3600); // 179 missed ticks and the one of now
    var fire = TickPlan.of(MINUTELY, CatchUp.ALL, LAST, now).fire();
    assertThat(fire).hasSize(CatchUp.MAX_ALL + 1);
    assertThat(fire.getFirst()).isEqualTo(now.minusSeconds(60 * CatchUp.MAX_ALL));
    assertThat(fire.getLast()).isEqualTo(now);
    assertThat(fire).isSorted();
  }
}
