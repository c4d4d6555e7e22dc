package dev.fabrik.server.manager;

import static dev.fabrik.server.manager.Fixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.storage.Reservation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Manager#fetchAfterEmptyLook}: a FETCH whose store look (a database round trip) just found
 * its queues empty waits without looking first, and still gets a job stored meanwhile.
 */
class EmptyFetchLooksTest {
  // A FETCH waits 1 s: the look when the wait ran out happens only if the thread reaches the wait
  // before its deadline, which a loaded machine must not be able to prevent.
  private final Fixture f = new Fixture(Duration.ofSeconds(1));
  private final AtomicInteger looks = new AtomicInteger();

  EmptyFetchLooksTest() {
    f.manager.reserveWith(
        new Reserver() {
          @Override
          public Optional<Reservation> reserve(
              List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
            looks.incrementAndGet();
            return f.store.reserve(queues, wid, now, deadline);
          }
        });
  }

  @Test
  void aWaitAfterAnEmptyLookAsksTheStoreOnceLessThanAFreshFetch() throws Exception {
    assertThat(f.manager.fetch("w1", List.of("empty"))).isEmpty();
    // First look, the look after registering the waiter, the look when the wait ran out.
    assertThat(looks.getAndSet(0)).isEqualTo(3);

    assertThat(f.manager.fetchAfterEmptyLook("w1", List.of("empty"))).isEmpty();
    assertThat(looks.get()).isEqualTo(2);
  }

  @Test
  void aJobStoredSinceTheEmptyLookIsFetchedAtOnce() throws Exception {
    f.manager.push(job("late-job", "Late", "q"));

    Optional<byte[]> got = f.manager.fetchAfterEmptyLook("w1", List.of("q"));

    assertThat(got).map(p -> JobCodec.decode(p).jid()).contains("late-job");
    assertThat(looks.get()).isEqualTo(1); // the look after registering the waiter
  }
}
