package dev.fabrik.server.auth;

import dev.fabrik.server.lifecycle.Service;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes password guessing slow, per source address, on both ports at once (one table: a guess on
 * the web port and one on the command port guess the same password). Every password check goes
 * through an {@link Attempt}:
 *
 * <pre>{@code
 * LoginThrottle.Attempt a = logins.attempt(peer, LoginThrottle.Port.COMMAND);
 * if (!a.admitted()) {           // over its budget: refused without looking at the password
 *   logins.pause(a.failed());
 *   return refusal;
 * }
 * if (correct) {
 *   a.succeeded();               // no delay, and the budget is given back
 * } else {
 *   logins.pause(a.failed());    // 200 ms, 400 ms, 800 ms ... 5 s
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Delay:</b> the n-th failure of a burst is answered after {@code firstDelay × 2^(n-1)},
 *       capped at {@code maxDelay}. A burst ends after {@code forgetAfter} without a failure.
 *   <li><b>Budget:</b> each source may start {@code budget} password checks that turn out wrong,
 *       then one more per {@code refillEvery}; a check reserves a unit and a correct password gives
 *       it back. Parallel connections cannot get past it the way they get past the delay, and it
 *       also bounds the hashing a source can make the server do (a v2 HELLO costs thousands of
 *       SHA-256 rounds). A source over budget is refused, correct password or not: the server
 *       cannot tell without the hash. Clients behind the same address as an attacker share its fate
 *       until the budget refills.
 *   <li><b>Good clients:</b> a correct password is never delayed, and other addresses are not
 *       affected. IPv6 sources are counted per /64, the block one host usually holds.
 *   <li><b>Memory:</b> at most {@code maxSources} addresses are remembered, least recently seen
 *       dropped first; a source with no failure and a full budget is dropped at once.
 *   <li><b>Log:</b> one warning when a source's burst begins, none per attempt; every failure is
 *       counted through the {@link Observer} ({@code fabrik_auth_failures_total}).
 * </ul>
 *
 * The caller waits with {@link #pause}, on its own (virtual) thread: never call it on an event
 * loop. {@link #stop} ends every pause at once, so shutdown never waits for a delay.
 */
public final class LoginThrottle implements Service {
  private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

  /** The key of attempts whose peer address is unknown (0.0.0.0, never a real peer). */
  private static final InetAddress UNKNOWN;

  static {
    try {
      UNKNOWN = InetAddress.getByAddress("unknown", new byte[4]);
    } catch (UnknownHostException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Where the password was given; a metric label and a word in the log. */
  public enum Port {
    COMMAND("command"),
    WEB("web");

    private final String label;

    Port(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** Told of every failed attempt ({@code refused}: over budget, the password was not checked). */
  public interface Observer {
    Observer NONE = (port, refused) -> {};

    void failed(Port port, boolean refused);
  }

  /** The limits; {@link #defaults()} are meant for production. */
  public record Settings(
      Duration firstDelay,
      Duration maxDelay,
      int budget,
      Duration refillEvery,
      Duration forgetAfter,
      int maxSources) {

    public Settings {
      Objects.requireNonNull(firstDelay, "firstDelay");
      Objects.requireNonNull(maxDelay, "maxDelay");
      Objects.requireNonNull(refillEvery, "refillEvery");
      Objects.requireNonNull(forgetAfter, "forgetAfter");
      if (budget < 1 || maxSources < 1 || refillEvery.isZero() || refillEvery.isNegative()) {
        throw new IllegalArgumentException("budget, maxSources and refillEvery must be positive");
      }
    }

    /**
     * 200 ms doubling to 5 s; 10 wrong checks, then one per 3 s; a burst forgotten after 10 quiet
     * minutes; 10,000 sources remembered (about 1 MB).
     */
    public static Settings defaults() {
      return new Settings(
          Duration.ofMillis(200),
          Duration.ofSeconds(5),
          10,
          Duration.ofSeconds(3),
          Duration.ofMinutes(10),
          10_000);
    }
  }

  private final Clock clock;
  private final Settings settings;
  private final Observer observer;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<InetAddress, Source> sources;
  private long lastBurstLogMillis = Long.MIN_VALUE / 2;
  private int unloggedBursts;

  public LoginThrottle(Clock clock, Settings settings, Observer observer) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.observer = Objects.requireNonNull(observer, "observer");
    int max = settings.maxSources();
    this.sources =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<InetAddress, Source> eldest) {
            return size() > max;
          }
        };
  }

  /** The default settings on the system clock, counting nowhere. */
  public static LoginThrottle standard() {
    return new LoginThrottle(Clock.systemUTC(), Settings.defaults(), Observer.NONE);
  }

  /** One password check from one source. */
  public final class Attempt {
    private final InetAddress key;
    private final InetAddress source;
    private final Port port;
    private final boolean admitted;
    private boolean done;

    private Attempt(InetAddress key, InetAddress source, Port port, boolean admitted) {
      this.key = key;
      this.source = source;
      this.port = port;
      this.admitted = admitted;
    }

    /** False when the source is over its budget: refuse without checking the password. */
    public boolean admitted() {
      return admitted;
    }

    /** The password was right: no delay, and the budget unit goes back. */
    public void succeeded() {
      synchronized (LoginThrottle.this) {
        if (done) {
          return;
        }
        done = true;
        Source s = sources.get(key);
        if (s != null && admitted) {
          s.giveBack(clock.millis(), settings);
          if (s.failures == 0 && s.full(settings)) {
            sources.remove(key);
          }
        }
      }
    }

    /**
     * The password was wrong, or the attempt was refused: counts the failure and returns how long
     * to wait before answering.
     */
    public Duration failed() {
      boolean burstBegins;
      int failures;
      synchronized (LoginThrottle.this) {
        if (done) {
          throw new IllegalStateException("attempt already settled");
        }
        done = true;
        Source s = sourceLocked(key, clock.millis());
        burstBegins = s.failures == 0;
        s.failures++;
        s.lastFailureMillis = clock.millis();
        failures = s.failures;
      }
      observer.failed(port, !admitted);
      if (burstBegins) {
        logBurst(source, port);
      }
      return delay(failures);
    }
  }

  /**
   * One line when a source starts failing; while many sources start at once (a spread-out attack),
   * at most one line per second, saying how many began since the last one.
   */
  private void logBurst(InetAddress source, Port port) {
    long now = clock.millis();
    int others;
    synchronized (this) {
      if (now - lastBurstLogMillis < 1000) {
        unloggedBursts++;
        return;
      }
      lastBurstLogMillis = now;
      others = unloggedBursts;
      unloggedBursts = 0;
    }
    log.warn(
        "wrong password from {} on the {} port; failures from there are now slowed (up to {} ms"
            + " each) and counted in fabrik_auth_failures_total; logged once per burst{}",
        source == null ? "an unknown address" : source.getHostAddress(),
        port.label(),
        settings.maxDelay().toMillis(),
        others == 0 ? "" : " (" + others + " other addresses began failing since the last line)");
  }

  /**
   * Starts a password check from {@code source} (null when the peer is unknown: such attempts share
   * one entry).
   */
  public synchronized Attempt attempt(InetAddress source, Port port) {
    InetAddress key = keyOf(source);
    Source s = sourceLocked(key, clock.millis());
    return new Attempt(key, source, port, s.take(clock.millis(), settings));
  }

  /**
   * Waits {@code delay}, or less if the throttle is stopped or the thread interrupted (the flag is
   * kept). Blocks the calling thread: a virtual thread, never an event loop.
   */
  public void pause(Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      return;
    }
    try {
      stopped.await(delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sources remembered now (tests, and the bound on memory). */
  public synchronized int sources() {
    return sources.size();
  }

  @Override
  public void start() {}

  /** Ends every {@link #pause} at once and every later one immediately. */
  @Override
  public void stop(Duration timeout) {
    stopped.countDown();
  }

  Duration delay(int failures) {
    int doublings = Math.max(0, failures - 1);
    Duration max = settings.maxDelay();
    if (doublings >= 30) {
      return max;
    }
    Duration d = settings.firstDelay().multipliedBy(1L << doublings);
    return d.compareTo(max) > 0 ? max : d;
  }

  private Source sourceLocked(InetAddress key, long now) {
    Source s = sources.get(key);
    if (s != null
        && s.failures > 0
        && now - s.lastFailureMillis >= settings.forgetAfter().toMillis()) {
      s.failures = 0; // the burst is over; the budget refills on its own
    }
    if (s == null) {
      s = new Source(settings.budget(), now);
      sources.put(key, s);
    }
    return s;
  }

  /** The address itself for IPv4; the /64 network for IPv6. */
  static InetAddress keyOf(InetAddress source) {
    if (source == null) {
      return UNKNOWN;
    }
    if (source instanceof Inet6Address) {
      byte[] bytes = source.getAddress();
      for (int i = 8; i < bytes.length; i++) {
        bytes[i] = 0;
      }
      try {
        return InetAddress.getByAddress(bytes); // raw bytes: no lookup
      } catch (UnknownHostException e) {
        throw new IllegalStateException("16 bytes are a valid IPv6 address", e);
      }
    }
    return source;
  }

  /** One source's burst and budget; guarded by the throttle's monitor. */
  private static final class Source {
    int failures;
    long lastFailureMillis;
    private double units;
    private long unitsAtMillis;

    Source(int budget, long now) {
      this.units = budget;
      this.unitsAtMillis = now;
    }

    /** Reserves one check if the budget allows. */
    boolean take(long now, Settings settings) {
      refill(now, settings);
      if (units < 1) {
        return false;
      }
      units -= 1;
      return true;
    }

    void giveBack(long now, Settings settings) {
      refill(now, settings);
      units = Math.min(settings.budget(), units + 1);
    }

    boolean full(Settings settings) {
      return units >= settings.budget();
    }

    private void refill(long now, Settings settings) {
      long elapsed = Math.max(0, now - unitsAtMillis);
      units =
          Math.min(settings.budget(), units + (double) elapsed / settings.refillEvery().toMillis());
      unitsAtMillis = now;
    }
  }
}
