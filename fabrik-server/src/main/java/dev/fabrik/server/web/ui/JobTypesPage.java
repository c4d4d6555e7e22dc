package dev.fabrik.server.web.ui;

import dev.fabrik.server.history.HistoryRange;
import dev.fabrik.server.history.JobTypeSort;
import dev.fabrik.server.history.JobTypeStats;
import java.util.List;
import java.util.Locale;

/** The Job types page's model: each type's figures over {@code range}, in {@code sort} order. */
public record JobTypesPage(
    Chrome chrome, HistoryRange range, JobTypeSort sort, List<JobTypeStats> types) {

  public List<HistoryRange> ranges() {
    return List.of(HistoryRange.values());
  }

  /** The link that orders the table by {@code by} in the current range. */
  public String sortLink(JobTypeSort by) {
    return "/jobtypes?range=" + range.id() + "&sort=" + by.id();
  }

  /** The link to the same order over {@code r}. */
  public String rangeLink(HistoryRange r) {
    return "/jobtypes?range=" + r.id() + "&sort=" + sort.id();
  }

  /** aria-sort of the column ordered by {@code by}. */
  public String ariaSort(JobTypeSort by) {
    if (by != sort) {
      return null;
    }
    return by == JobTypeSort.NAME ? "ascending" : "descending";
  }

  /** A run time in ms as "0.4 ms", "41 ms", "1.8 s", "3.2 min"; "–" without timed runs. */
  public static String ms(double ms) {
    if (Double.isNaN(ms)) {
      return "–";
    }
    if (ms < 10) {
      return String.format(Locale.ROOT, "%.1f ms", ms);
    }
    if (ms < 1000) {
      return Math.round(ms) + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000);
    }
    return String.format(Locale.ROOT, "%.1f min", ms / 60_000);
  }
}
