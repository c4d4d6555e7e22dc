package dev.fabrik.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.ManualClock;
import dev.fabrik.server.auth.LoginThrottle.Port;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private final ManualClock clock = new ManualClock();
  private final List<String> failures = new ArrayList<>();
  private final LoginThrottle throttle =
      new LoginThrottle(
          clock,
          LoginThrottle.Settings.defaults(),
          (port, refused) -> failures.add(port.label() + (refused ? " refused" : " wrong")));

  @Test
  void wrongPasswordsAreDelayedLongerAndLongerUpToTheCap() {
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      delays.add(wrong("203.0.113.9").toMillis());
    }
    assertThat(delays).containsExactly(200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L);
    assertThat(failures).hasSize(7).allMatch(f -> f.equals("command wrong"));
  }

  @Test
  void aCorrectPasswordIsNotDelayedEvenFromAFailingAddress() {
    wrong("203.0.113.9");
    wrong("203.0.113.9");
    LoginThrottle.Attempt good = throttle.attempt(ip("203.0.113.9"), Port.WEB);
    assertThat(good.admitted()).isTrue();
    good.succeeded(); // nothing to wait for: success has no delay to return
    assertThat(failures).hasSize(2);
  }

  @Test
  void otherAddressesAreNotAffected() {
    for (int i = 0; i < 12; i++) {
      settle(throttle.attempt(ip("203.0.113.9"), Port.COMMAND));
    }
    LoginThrottle.Attempt other = throttle.attempt(ip("198.51.100.7"), Port.COMMAND);
    assertThat(other.admitted()).isTrue();
    assertThat(other.failed()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void overBudgetAttemptsAreRefusedUnheardUntilTheBudgetRefills() {
    for (int i = 0; i < 10; i++) {
      assertThat(throttle.attempt(ip("203.0.113.9"), Port.COMMAND).admitted()).isTrue();
    }
    LoginThrottle.Attempt refused = throttle.attempt(ip("203.0.113.9"), Port.COMMAND);
    assertThat(refused.admitted()).isFalse();
    refused.failed();
    assertThat(failures).containsExactly("command refused");

    clock.advance(Duration.ofMillis(2999));
    assertThat(throttle.attempt(ip("203.0.113.9"), Port.COMMAND).admitted()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(throttle.attempt(ip("203.0.113.9"), Port.COMMAND).admitted()).isTrue();
  }

  @Test
  void correctPasswordsGiveTheirUnitBackSoAPoolOfGoodClientsNeverRunsOut() {
    for (int i = 0; i < 100; i++) {
      LoginThrottle.Attempt a = throttle.attempt(ip("192.0.2.1"), Port.COMMAND);
      assertThat(a.admitted()).isTrue();
      a.succeeded();
    }
    assertThat(throttle.sources()).isZero();
  }

  @Test
  void parallelChecksCannotOverdrawTheBudget() {
    List<LoginThrottle.Attempt> inFlight = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      inFlight.add(throttle.attempt(ip("203.0.113.9"), Port.COMMAND));
    }
    assertThat(inFlight.stream().filter(LoginThrottle.Attempt::admitted)).hasSize(10);
  }

  @Test
  void aBurstIsForgottenAfterTenQuietMinutes() {
    for (int i = 0; i < 5; i++) {
      wrong("203.0.113.9");
    }
    clock.advance(Duration.ofMinutes(10));
    assertThat(wrong("203.0.113.9")).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void ipv6AddressesAreCountedPerSlash64() {
    assertThat(wrong("2001:db8:1:2::1")).isEqualTo(Duration.ofMillis(200));
    assertThat(wrong("2001:db8:1:2:ffff::9")).isEqualTo(Duration.ofMillis(400));
    assertThat(wrong("2001:db8:1:3::1")).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void theTableOfSourcesIsBounded() {
    LoginThrottle small =
        new LoginThrottle(
            clock,
            new LoginThrottle.Settings(
                Duration.ofMillis(200),
                Duration.ofSeconds(5),
                10,
                Duration.ofSeconds(3),
                Duration.ofMinutes(10),
                100),
            LoginThrottle.Observer.NONE);
    for (int i = 0; i < 1000; i++) {
      small.attempt(ip("10.0." + i / 256 + "." + i % 256), Port.WEB).failed();
    }
    assertThat(small.sources()).isEqualTo(100);
  }

  @Test
  void anUnknownPeerIsThrottledToo() {
    assertThat(throttle.attempt(null, Port.COMMAND).failed()).isEqualTo(Duration.ofMillis(200));
    assertThat(throttle.attempt(null, Port.COMMAND).failed()).isEqualTo(Duration.ofMillis(400));
  }

  @Test
  void stopEndsAPauseAtOnce() throws Exception {
    CompletableFuture<Void> paused = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              throttle.pause(Duration.ofMinutes(5));
              paused.complete(null);
            });
    throttle.stop(Duration.ZERO);
    paused.get(10, TimeUnit.SECONDS);
    long start = System.nanoTime();
    throttle.pause(Duration.ofMinutes(5));
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
  }

  private Duration wrong(String address) {
    LoginThrottle.Attempt a = throttle.attempt(ip(address), Port.COMMAND);
    assertThat(a.admitted()).isTrue();
    return a.failed();
  }

  private static void settle(LoginThrottle.Attempt a) {
    a.failed();
  }

  private static InetAddress ip(String literal) {
    return InetAddress.ofLiteral(literal);
  }
}
