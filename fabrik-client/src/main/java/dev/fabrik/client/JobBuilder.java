package dev.fabrik.client;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Timestamps;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds a {@link Job}. Arguments and custom values are converted to JSON with Jackson (numbers,
 * strings, booleans, lists, maps, records...). Unset fields are left out so the server applies its
 * defaults (queue {@code default}, retry 25, priority 5). Not thread-safe; {@link #build()} may be
 * called repeatedly (each call draws a fresh jid unless {@link #jid(String)} was set).
 */
public final class JobBuilder {
  private static final String EXPIRES_AT = "expires_at";
  private static final String EXPIRES_IN = "expires_in";

  private final String type;
  private JsonNode args = JobCodec.MAPPER.createArrayNode();
  private String jid;
  private String queue;
  private Integer retry;
  private Integer reserveFor;
  private Integer backtrace;
  private Integer priority;
  private Instant at;
  private Duration in;
  private Clock clock = Clock.systemUTC();
  private ObjectNode custom;

  JobBuilder(String type) {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("a job needs a non-empty type");
    }
    this.type = type;
  }

  /** The positional arguments, e.g. {@code args(42, "x")} → {@code "args":[42,"x"]}. */
  public JobBuilder args(Object... values) {
    return args(Arrays.asList(values));
  }

  public JobBuilder args(List<?> values) {
    this.args = JobCodec.MAPPER.valueToTree(values);
    return this;
  }

  /** An explicit job id (at least 8 characters, the server's minimum); default: random. */
  public JobBuilder jid(String value) {
    this.jid = value;
    return this;
  }

  public JobBuilder queue(String value) {
    this.queue = value;
    return this;
  }

  /** Retries before the job goes to the dead set; 0 = none kept, -1 = discarded on failure. */
  public JobBuilder retry(int value) {
    this.retry = value;
    return this;
  }

  /** Seconds a fetched job stays reserved before the server re-queues it (default 1800). */
  public JobBuilder reserveFor(Duration value) {
    this.reserveFor = Math.toIntExact(value.toSeconds());
    return this;
  }

  /**
   * The job's priority within its queue, 1 (lowest) to 9 (highest): the server hands out the
   * highest level first, oldest first within a level. Unset, the server uses 5.
   *
   * @throws IllegalArgumentException outside 1..9
   */
  public JobBuilder priority(int value) {
    if (value < 1 || value > 9) {
      throw new IllegalArgumentException("priority must be 1..9, not " + value);
    }
    this.priority = value;
    return this;
  }

  /** Backtrace lines to keep on failure. */
  public JobBuilder backtrace(int lines) {
    this.backtrace = lines;
    return this;
  }

  /** Run no earlier than {@code when} (kept in the scheduled set until then). */
  public JobBuilder at(Instant when) {
    this.at = Objects.requireNonNull(when, "when");
    this.in = null;
    return this;
  }

  /** Run no earlier than {@code delay} after {@link #build()} (measured on the builder's clock). */
  public JobBuilder in(Duration delay) {
    this.in = Objects.requireNonNull(delay, "delay");
    this.at = null;
    return this;
  }

  /** The clock {@link #in(Duration)} is measured on (tests inject a fixed one). */
  public JobBuilder clock(Clock value) {
    this.clock = Objects.requireNonNull(value, "clock");
    return this;
  }

  /**
   * Drop the job unrun once {@code when} has passed ({@code custom.expires_at}, RFC 3339): the
   * server discards it when a FETCH reaches it later, or when it falls due later as a scheduled job
   * or a retry. Replaces an earlier {@link #expiresIn}.
   */
  public JobBuilder expiresAt(Instant when) {
    Objects.requireNonNull(when, "when");
    removeCustom(EXPIRES_IN);
    return custom(EXPIRES_AT, Timestamps.format(when));
  }

  /**
   * Drop the job unrun once {@code ttl} has passed since the server accepted the PUSH ({@code
   * custom.expires_in}, seconds; the server turns it into an {@code expires_at}, so retries do not
   * extend it). Replaces an earlier {@link #expiresAt}.
   *
   * @throws IllegalArgumentException for a negative duration
   */
  public JobBuilder expiresIn(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("expiresIn must not be negative: " + ttl);
    }
    removeCustom(EXPIRES_AT);
    // Whole seconds as an integer ("expires_in":60), like Faktory's own clients send them.
    Object seconds = ttl.getNano() == 0 ? (Object) ttl.getSeconds() : ttl.toNanos() / 1e9;
    return custom(EXPIRES_IN, seconds);
  }

  private void removeCustom(String key) {
    if (custom != null) {
      custom.remove(key);
    }
  }

  /** One key of the job's {@code custom} object. */
  public JobBuilder custom(String key, Object value) {
    if (custom == null) {
      custom = JobCodec.MAPPER.createObjectNode();
    }
    custom.set(key, JobCodec.MAPPER.valueToTree(value));
    return this;
  }

  /**
   * Asks the server to track the job ({@code "custom":{"track":1}}): its state, and the progress
   * its handler reports, can then be read with {@link Client#trackStatus}.
   */
  public JobBuilder tracked() {
    return custom("track", 1);
  }

  /** Several keys of the job's {@code custom} object. */
  public JobBuilder custom(Map<String, ?> values) {
    values.forEach(this::custom);
    return this;
  }

  /**
   * Makes the job unique for {@code window} (Faktory Enterprise's {@code custom.unique_for}, sent
   * in seconds, fractions kept): while its lock is held, pushing the same job type with the same
   * args to the same queue fails with {@link NotUniqueException}. For a scheduled job the window
   * starts at its run time.
   *
   * @throws IllegalArgumentException when {@code window} is not positive
   */
  public JobBuilder uniqueFor(Duration window) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("a unique window must be positive: " + window);
    }
    long nanos = window.toNanos();
    return nanos % 1_000_000_000L == 0
        ? custom("unique_for", nanos / 1_000_000_000L)
        : custom("unique_for", BigDecimal.valueOf(nanos, 9).stripTrailingZeros());
  }

  /**
   * When the unique lock is given back before its window ends ({@code custom.unique_until}); the
   * server's default is {@link UniqueUntil#SUCCESS}.
   */
  public JobBuilder uniqueUntil(UniqueUntil until) {
    return custom("unique_until", until.wireName());
  }

  public Job build() {
    Instant when = in != null ? clock.instant().plus(in) : at;
    return new Job(
        jid != null ? jid : ProtocolConnection.randomJid(),
        type,
        args.deepCopy(),
        queue,
        retry,
        reserveFor,
        when == null ? null : Timestamps.format(when),
        null,
        null,
        backtrace,
        custom == null ? null : custom.deepCopy(),
        null,
        priority == null ? Map.of() : Map.of("priority", IntNode.valueOf(priority)));
  }
}
