package dev.fabrik.server.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Turns job types into {@code jobtype} label values, at most {@link #MAX_JOB_TYPES} distinct ones;
 * every type seen after that (and a payload whose type cannot be read) counts as {@value #OTHER}.
 *
 * <p>Why a cap: job types come from clients. A client bug that puts an id into the job type (or a
 * workload with generated types) would otherwise add a time series per job, without bound, both in
 * this server's heap and in every Prometheus that scrapes it. 500 is far more types than a real
 * application has, so the cap only bites on such a bug, and then {@code other} makes it visible.
 *
 * @param <T> what is kept per label value (the data points of that job type)
 */
final class JobTypeLabels<T> {
  static final int MAX_JOB_TYPES = 500;
  static final String OTHER = "other";

  private final int max;
  private final Function<String, T> create;
  private final Map<String, T> byType = new ConcurrentHashMap<>();
  private volatile T other;

  JobTypeLabels(Function<String, T> create) {
    this(MAX_JOB_TYPES, create);
  }

  JobTypeLabels(int max, Function<String, T> create) {
    this.max = max;
    this.create = create;
  }

  /** The entry of {@code jobtype}, created on first sight while fewer than the cap exist. */
  T forType(String jobtype) {
    if (jobtype == null) {
      return other();
    }
    T known = byType.get(jobtype);
    if (known != null) {
      return known;
    }
    if (byType.size() >= max) {
      return other();
    }
    synchronized (this) {
      known = byType.get(jobtype);
      if (known != null) {
        return known;
      }
      if (byType.size() >= max) {
        return other();
      }
      T created = create.apply(jobtype);
      byType.put(jobtype, created);
      return created;
    }
  }

  /** Distinct job types with an entry of their own (not counting {@code other}). */
  int size() {
    return byType.size();
  }

  private T other() {
    T o = other;
    if (o != null) {
      return o;
    }
    synchronized (this) {
      if (other == null) {
        other = create.apply(OTHER);
      }
      return other;
    }
  }
}
