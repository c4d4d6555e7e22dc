package dev.fabrik.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.limits.LimitRule.Scope;
import dev.fabrik.server.storage.Store;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * FETCH under concurrency and rate limits, on a manual clock (nothing here sleeps); every store
 * passes it.
 */
public abstract class LimitGateContract {
  protected LimitFixture f;

  protected abstract Store open() throws Exception;

  private LimitFixture with(LimitRule... rules) {
    try {
      f = new LimitFixture(open(), rules);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return f;
  }

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
  }

  private static LimitRule concurrency(Scope scope, String name, int n) {
    return new LimitRule(scope, name, n, 0, null, 0, null, null);
  }

  @Test
  void aJobTypeAtItsLimitDoesNotHoldBackTheJobsQueuedBehindIt() {
    with(concurrency(Scope.JOBTYPE, "Slow", 1));
    f.push("s1", "default", "Slow");
    f.push("s2", "default", "Slow");
    f.push("s3", "default", "Slow");
    f.push("f1", "default", "Fast");
    f.push("f2", "default", "Fast");

    assertThat(f.fetch("w1", "default")).contains("s1");
    assertThat(f.fetch("w2", "default")).contains("f1");
    assertThat(f.fetch("w3", "default")).contains("f2");
    assertThat(f.fetch("w4", "default")).isEmpty();

    f.ack("s1");

    // The next Slow job in its old place, the one behind it still waiting.
    assertThat(f.fetch("w4", "default")).contains("s2");
    assertThat(f.fetch("w5", "default")).isEmpty();
    assertThat(f.store.queueSize("default")).isEqualTo(1);
  }

  @Test
  void aQueueAtItsLimitIsSkippedAndTheNextQueueServed() {
    with(concurrency(Scope.QUEUE, "scraper", 2));
    for (int i = 1; i <= 3; i++) {
      f.push("s" + i, "scraper", "Scrape");
    }
    f.push("d1", "default", "Other");

    assertThat(f.fetch("w1", "scraper", "default")).contains("s1");
    assertThat(f.fetch("w2", "scraper", "default")).contains("s2");
    assertThat(f.fetch("w3", "scraper", "default")).contains("d1");
    assertThat(f.fetch("w4", "scraper", "default")).isEmpty();

    f.fail("s1"); // a FAIL frees the slot as an ACK does

    assertThat(f.fetch("w4", "scraper", "default")).contains("s3");
  }

  @Test
  void aWorkerLimitCountsEachWorkerProcessApart() {
    with(new LimitRule(Scope.QUEUE, "imports", 0, 1, null, 0, null, null));
    for (int i = 1; i <= 3; i++) {
      f.push("i" + i, "imports", "Import");
    }

    assertThat(f.fetch("w1", "imports")).contains("i1");
    assertThat(f.fetch("w1", "imports")).isEmpty();
    assertThat(f.fetch("w2", "imports")).contains("i2");
  }

  @Test
  void aSlotHeldPastItsTimeoutIsFreed() {
    with(new LimitRule(Scope.QUEUE, "q", 1, 0, Duration.ofSeconds(120), 0, null, null));
    f.push("a", "q", "A");
    f.push("b", "q", "A");
    assertThat(f.fetch("crashed-worker", "q")).contains("a");
    f.clock.advance(Duration.ofSeconds(119));
    assertThat(f.fetch("w2", "q")).isEmpty();

    f.clock.advance(Duration.ofSeconds(1));

    assertThat(f.fetch("w2", "q")).contains("b");
  }

  @Test
  void anExpiredReservationFreesItsSlot() {
    with(concurrency(Scope.QUEUE, "q", 1));
    f.push("a", "q", "A");
    f.push("b", "q", "A");
    assertThat(f.fetch("w1", "q")).contains("a");

    f.clock.advance(Duration.ofMinutes(31)); // past the default reserve_for of 1800 s
    f.manager.maintenance().reapReservations();

    assertThat(f.fetch("w2", "q")).contains("b");
  }

  @Test
  void aRateLimitStartsAtMostItsBudgetPerPeriod() {
    with(new LimitRule(Scope.JOBTYPE, "Call", 0, 0, null, 2, Duration.ofSeconds(10), null));
    for (int i = 1; i <= 4; i++) {
      f.push("c" + i, "default", "Call");
    }
    f.push("o1", "default", "Other");

    assertThat(f.fetch("w", "default")).contains("c1");
    assertThat(f.fetch("w", "default")).contains("c2");
    assertThat(f.fetch("w", "default")).contains("o1"); // passed over, not blocked
    assertThat(f.fetch("w", "default")).isEmpty();

    f.clock.advance(Duration.ofSeconds(5)); // one start back every 10 s / 2
    assertThat(f.fetch("w", "default")).contains("c3");
    assertThat(f.fetch("w", "default")).isEmpty();
    f.clock.advance(Duration.ofSeconds(5));
    assertThat(f.fetch("w", "default")).contains("c4");
  }

  @Test
  void eachRatePartitionHasItsOwnBudgetAndDoesNotBlockTheOthers() {
    with(new LimitRule(Scope.JOBTYPE, "Sync", 0, 0, null, 1, Duration.ofMinutes(1), "args.0"));
    f.push("a1", "default", "Sync", "tenant-a");
    f.push("a2", "default", "Sync", "tenant-a");
    f.push("b1", "default", "Sync", "tenant-b");

    assertThat(f.fetch("w", "default")).contains("a1");
    assertThat(f.fetch("w", "default")).contains("b1");
    assertThat(f.fetch("w", "default")).isEmpty();

    f.clock.advance(Duration.ofMinutes(1));
    assertThat(f.fetch("w", "default")).contains("a2");
  }

  @Test
  void aRuleSetThroughTheApiIsInForceAndCanBeRemoved() {
    with();
    f.push("a", "q", "A");
    f.push("b", "q", "A");
    f.limits.set(concurrency(Scope.QUEUE, "q", 1));
    assertThat(f.limits.usage())
        .singleElement()
        .satisfies(u -> assertThat(u.source()).isEqualTo("api"));

    assertThat(f.fetch("w1", "q")).contains("a");
    assertThat(f.fetch("w2", "q")).isEmpty();
    assertThat(f.limits.usage().getFirst().inFlight()).isEqualTo(1);

    assertThat(f.limits.remove("queue:q")).isTrue();
    assertThat(f.fetch("w2", "q")).contains("b");
  }

  @Test
  void withoutRulesFetchIsUntouched() {
    with();
    f.push("a", "q", "A");
    assertThat(f.fetch("w", "q")).contains("a");
    f.ack("a");
    assertThat(f.limits.usage()).isEmpty();
    assertThat(f.store.limits().inFlight(f.clock.instant())).isEmpty();
    assertThat(List.of()).isEmpty();
  }
}
