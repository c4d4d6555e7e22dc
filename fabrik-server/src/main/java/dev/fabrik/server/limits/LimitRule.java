package dev.fabrik.server.limits;

import java.time.Duration;

/**
 * One limit on a queue or a job type: a concurrency limit ({@code concurrency} jobs in flight
 * across every node, {@code worker} per worker process, slots held at most {@code timeout}), a rate
 * limit ({@code rate} starts per {@code period}, one budget per value of {@code key} when given),
 * or both. Zero means "no such limit".
 *
 * <p>In conf.d (docs/limits.md):
 *
 * <pre>
 * [throttles]
 * scraper = { concurrency = 3, timeout = 120 }
 * [throttles.jobtypes]
 * SendEmail = { rate = 100, period = 60, key = "custom.tenant" }
 * </pre>
 */
public record LimitRule(
    Scope scope,
    String name,
    int concurrency,
    int worker,
    Duration timeout,
    int rate,
    Duration period,
    String key) {

  /** What a rule limits. */
  public enum Scope {
    QUEUE,
    JOBTYPE;

    /** The lower-case word used in ids, the API and the UI. */
    public String word() {
      return this == QUEUE ? "queue" : "jobtype";
    }

    /** The scope named {@code word} ({@code queue} or {@code jobtype}). */
    public static Scope of(String word) {
      return switch (word) {
        case "queue" -> QUEUE;
        case "jobtype" -> JOBTYPE;
        default ->
            throw new IllegalArgumentException(
                "scope must be \"queue\" or \"jobtype\", not \"" + word + "\"");
      };
    }
  }

  public LimitRule {
    if (scope == null) {
      throw new IllegalArgumentException("a limit needs a scope");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a limit needs a queue or job type name");
    }
    if (concurrency < 0 || worker < 0 || rate < 0) {
      throw new IllegalArgumentException(
          name + ": concurrency, worker and rate cannot be negative");
    }
    if (concurrency == 0 && worker == 0 && rate == 0) {
      throw new IllegalArgumentException(
          name + ": give at least one of concurrency, worker or rate");
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException(name + ": timeout must be positive");
    }
    if (rate > 0 && (period == null || period.isNegative() || period.isZero())) {
      throw new IllegalArgumentException(name + ": a rate needs a positive period");
    }
    if (rate == 0 && key != null) {
      throw new IllegalArgumentException(name + ": key partitions a rate; give a rate too");
    }
    if (key != null) {
      PartitionKey.parse(key); // refuses a malformed path now rather than at FETCH
    }
  }

  /** {@code queue:<name>} or {@code jobtype:<name>}: unique among rules, the API's handle. */
  public String id() {
    return scope.word() + ":" + name;
  }

  /** The key of the cluster-wide concurrency slots. */
  public String slotKey() {
    return id();
  }

  /** The key of one worker process's slots. */
  public String workerSlotKey(String wid) {
    return id() + "@" + wid;
  }

  /** The rate bucket of a partition ({@code null}: the rule has no key). */
  public String bucket(String partition) {
    return partition == null ? id() : id() + "#" + partition;
  }

  boolean limitsConcurrency() {
    return concurrency > 0 || worker > 0;
  }

  boolean limitsRate() {
    return rate > 0;
  }
}
