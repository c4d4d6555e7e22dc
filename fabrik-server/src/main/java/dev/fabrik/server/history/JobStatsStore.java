package dev.fabrik.server.history;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The stored history: per job type and bucket (minute, hour, day), the counts of a {@link Tally}.
 * Written only by additive upserts ({@code n = n + excluded.n}), so several nodes flushing into one
 * bucket of a shared database add up exactly, with no lock anywhere but the row's own. Times are
 * epoch seconds aligned to the grain.
 *
 * <p>Every implementation passes {@code JobStatsStoreContract}.
 */
public interface JobStatsStore {

  /**
   * Adds every row's counts to the stored bucket (creating it), atomically: all rows or none. Rows
   * must have distinct keys.
   */
  void add(List<HistoryRow> rows);

  /**
   * The counts of the buckets of {@code grain} starting in [{@code from}, {@code to}), summed over
   * job types (or of {@code jobtype} alone when not null), by bucket start. Buckets without counts
   * are absent.
   */
  SortedMap<Long, Tally> series(Grain grain, long from, long to, String jobtype);

  /** The counts of the buckets of {@code grain} starting in [{@code from}, {@code to}), by type. */
  Map<String, Tally> byType(Grain grain, long from, long to);

  /**
   * Deletes up to {@code limit} stored rows of {@code grain} whose bucket starts before {@code
   * before}; returns how many went. Safe to run on several nodes at once.
   */
  int purge(Grain grain, long before, int limit);
}
