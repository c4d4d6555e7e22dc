package dev.fabrik.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdleGapsTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final IdleGaps gaps = new IdleGaps(nanos::get);

  @Test
  void aGapRunsFromASlotFreedWhileWantedToTheNextGrant() {
    gaps.wanted("queue:q");
    nanos.addAndGet(5_000_000); // the wait before the free is not a gap
    gaps.freed("queue:q");
    nanos.addAndGet(300_000);
    gaps.granted("queue:q");

    assertThat(countAndSum("queue:q")).containsExactly(1, 0.0003);
  }

  @Test
  void aSlotFreedWithNoFetchWaitingOpensNoGap() {
    gaps.freed("queue:q");
    nanos.addAndGet(7_000_000);
    gaps.granted("queue:q");

    assertThat(countAndSum("queue:q")).containsExactly(0, 0);
  }

  @Test
  void eachGapIsCountedOnceAndPerLimit() {
    gaps.wanted("queue:q");
    gaps.wanted("jobtype:T");
    gaps.freed("queue:q");
    gaps.freed("queue:q"); // a second free before the grant keeps the first time
    nanos.addAndGet(1_000_000);
    gaps.granted("queue:q");
    gaps.granted("queue:q"); // no gap left open

    assertThat(countAndSum("queue:q")).containsExactly(1, 0.001);
    assertThat(countAndSum("jobtype:T")).containsExactly(0, 0);
  }

  @Test
  void theSummaryKeepsTheLongestGapAndCountsPerBucket() {
    for (long micros : new long[] {40, 40, 40, 2_000}) {
      gaps.wanted("queue:q");
      gaps.freed("queue:q");
      nanos.addAndGet(micros * 1_000);
      gaps.granted("queue:q");
    }
    IdleGapSummary s = gaps.summary("queue:q");
    assertThat(s.maxSeconds()).isEqualTo(0.002);
    assertThat(s.upperBounds()[0]).isEqualTo(0.00005);
    assertThat(s.counts()[0]).as("three gaps up to 50 µs").isEqualTo(3);
    assertThat(s.upperBounds()[5]).isEqualTo(0.0025);
    assertThat(s.counts()[5]).as("one in (1 ms, 2.5 ms]").isEqualTo(1);
  }

  private double[] countAndSum(String key) {
    IdleGapSummary s = gaps.summary(key);
    return s == null ? new double[] {0, 0} : new double[] {s.count(), s.sumSeconds()};
  }
}
