package dev.fabrik.server.storage;

import java.util.List;

/**
 * One page of a set scan.
 *
 * @param entries the matching entries found, in the query's order; may be fewer than asked for
 *     (even none) when a filtered scan spent its budget, see {@link Store#scan(SetName, SetQuery,
 *     SetEntry.Key, int)}
 * @param next the cursor to pass for the following page, or null when the set is exhausted in the
 *     query's direction
 */
public record SetPage(List<SetEntry> entries, SetEntry.Key next) {

  public SetPage {
    entries = List.copyOf(entries);
  }

  /** True when more entries may follow. */
  public boolean hasNext() {
    return next != null;
  }
}
