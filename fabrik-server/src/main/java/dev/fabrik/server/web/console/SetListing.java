package dev.fabrik.server.web.console;

import dev.fabrik.server.storage.SetName;
import java.util.List;

/**
 * A page of a sorted set.
 *
 * @param size every entry of the set (not only those matching the filter)
 * @param cursor the opaque cursor this page started after; null on the first page
 * @param next the opaque cursor of the next page; null when no entry is left. A page may hold fewer
 *     rows than asked for (a filtered scan does bounded work per call) and still have one.
 */
public record SetListing(
    SetName set, SetFilter filter, long size, List<SetRow> rows, String cursor, String next) {

  public SetListing {
    rows = List.copyOf(rows);
  }
}
