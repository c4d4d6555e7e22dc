package dev.fabrik.server.history;

import java.util.ArrayList;
import java.util.List;

/**
 * Covers a time window with stored buckets: whole days where they fit, whole hours at the edges of
 * those, minutes at the edges of the hours. Summing a week is then 6 day buckets plus at most ~23
 * hours and ~59 minutes on either side instead of 10,080 minutes, and it stays exact to the minute.
 * An edge older than a grain is kept is widened to the next coarser bucket (the window then starts
 * up to an hour or a day early), so nothing already purged is asked for.
 */
public final class HistoryWindow {

  /** A run of consecutive buckets of one grain: starts in [{@code from}, {@code to}). */
  public record Segment(Grain grain, long from, long to) {}

  private HistoryWindow() {}

  /**
   * The segments covering [{@code from}, {@code to}) (epoch seconds), {@code to} rounded up to a
   * whole minute, as kept at {@code now}.
   */
  public static List<Segment> cover(long from, long to, long now, HistoryRetention retention) {
    long start = Grain.MINUTE.floor(from);
    if (start < now - retention.minutes().toSeconds()) {
      start = Grain.HOUR.floor(start);
    }
    if (start < now - retention.hours().toSeconds()) {
      start = Grain.DAY.floor(start);
    }
    long end = -Grain.MINUTE.floor(-to); // ceiling
    List<Segment> out = new ArrayList<>();
    long cursor = start;
    while (cursor < end) {
      Grain g = largestAt(cursor, end);
      long next = cursor + g.seconds();
      Segment last = out.isEmpty() ? null : out.getLast();
      if (last != null && last.grain() == g && last.to() == cursor) {
        out.set(out.size() - 1, new Segment(g, last.from(), next));
      } else {
        out.add(new Segment(g, cursor, next));
      }
      cursor = next;
    }
    return out;
  }

  private static Grain largestAt(long cursor, long end) {
    for (Grain g : new Grain[] {Grain.DAY, Grain.HOUR}) {
      if (g.floor(cursor) == cursor && cursor + g.seconds() <= end) {
        return g;
      }
    }
    return Grain.MINUTE;
  }
}
