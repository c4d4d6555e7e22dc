package dev.fabrik.server.history;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The orders of the Job types table: by name (A to Z), or by a figure, largest first; ties by name.
 */
public enum JobTypeSort {
  NAME(Comparator.comparing(JobTypeStats::jobtype)),
  PROCESSED(desc(s -> s.tally().processed())),
  FAILED(desc(s -> s.tally().failed())),
  RETRIED(desc(s -> s.tally().retried())),
  DEAD(desc(s -> s.tally().died())),
  MEAN(desc(s -> orZero(s.tally().meanMs()))),
  P95(desc(s -> orZero(s.tally().p95Ms())));

  private final Comparator<JobTypeStats> order;

  JobTypeSort(Comparator<JobTypeStats> order) {
    this.order = order;
  }

  /** Its name in URLs: {@code name}, {@code processed}, ... {@code p95}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public Comparator<JobTypeStats> order() {
    return order;
  }

  /**
   * The order named {@code id}; null or empty gives {@link #PROCESSED}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static JobTypeSort parse(String id) {
    if (id == null || id.isEmpty()) {
      return PROCESSED;
    }
    for (JobTypeSort s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "sort must be one of "
            + Arrays.stream(values()).map(JobTypeSort::id).collect(Collectors.joining(", "))
            + ", not \""
            + id
            + "\"");
  }

  private static double orZero(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static Comparator<JobTypeStats> desc(
      java.util.function.ToDoubleFunction<JobTypeStats> figure) {
    return Comparator.comparingDouble(figure).reversed().thenComparing(JobTypeStats::jobtype);
  }
}
