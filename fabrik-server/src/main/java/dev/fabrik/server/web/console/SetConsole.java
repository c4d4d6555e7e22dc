package dev.fabrik.server.web.console;

import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.Store;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Retries, Scheduled and Dead pages: cursor-paged listing with a filter, one entry's detail,
 * and the select-and-act / act-on-all-matching actions (which go through the manager, so a kill
 * gets the configured dead TTL exactly as MUTATE's does).
 */
public final class SetConsole {
  /** Most entries one page shows. */
  public static final int MAX_PAGE = 500;

  /** Most keys one select-and-act request may name. */
  public static final int MAX_KEYS = 10_000;

  private final Store store;
  private final Manager manager;

  SetConsole(Store store, Manager manager) {
    this.store = store;
    this.manager = manager;
  }

  /**
   * The set named {@code retries}, {@code scheduled} or {@code dead}.
   *
   * @throws ConsoleException NOT_FOUND for any other name
   */
  public static SetName setNamed(String name) {
    SetName set = name == null ? null : SetName.fromWire(name.toLowerCase(Locale.ROOT));
    if (set == null) {
      throw ConsoleException.notFound(
          "unknown set \"" + name + "\": use retries, scheduled or dead");
    }
    return set;
  }

  /**
   * A page of {@code set} after {@code cursor} (null or empty for the first page), at most {@code
   * limit} rows (clamped to 1..{@link #MAX_PAGE}). A filtered page reads a bounded number of
   * entries, so it may hold fewer rows (even none) and still have a {@code next}.
   *
   * @throws ConsoleException BAD_REQUEST for a cursor no page handed out
   */
  public SetListing page(SetName set, SetFilter filter, String cursor, int limit) {
    SetFilter f = filter == null ? SetFilter.ALL : filter;
    SetEntry.Key after = EntryKeys.parseCursor(cursor);
    int n = Math.max(1, Math.min(MAX_PAGE, limit));
    SetPage page = store.scan(set, f.query(), after, n);
    List<SetRow> rows = new ArrayList<>(page.entries().size());
    for (SetEntry e : page.entries()) {
      rows.add(
          new SetRow(
              EntryKeys.format(e.key()),
              e.score(),
              JobDetail.of(e.jid(), e.queue(), e.payload()).summary()));
    }
    return new SetListing(
        set,
        f,
        store.setSize(set),
        rows,
        after == null ? null : cursor,
        page.next() == null ? null : EntryKeys.format(page.next()));
  }

  /**
   * One entry by the key its page listed.
   *
   * @throws ConsoleException BAD_REQUEST for a malformed key, NOT_FOUND when no entry has it
   */
  public SetEntryDetail entry(SetName set, String key) {
    SetEntry.Key k = EntryKeys.parse(key);
    SetEntry e =
        store
            .find(set, k)
            .orElseThrow(
                () ->
                    ConsoleException.notFound(
                        "no entry " + key + " in " + set.wireName() + " (it may have moved)"));
    return new SetEntryDetail(
        set, EntryKeys.format(e.key()), e.score(), JobDetail.of(e.jid(), e.queue(), e.payload()));
  }

  /**
   * Applies {@code action} to the entries with these keys; keys of entries that are gone are
   * skipped.
   *
   * @return how many entries were changed
   * @throws ConsoleException BAD_REQUEST for a malformed key or more than {@link #MAX_KEYS}
   */
  public int act(SetName set, SetAction action, Collection<String> keys) {
    if (keys.size() > MAX_KEYS) {
      throw ConsoleException.badRequest(
          "too many keys: " + keys.size() + ", at most " + MAX_KEYS + " per request");
    }
    Set<SetEntry.Key> parsed = new LinkedHashSet<>();
    for (String k : keys) {
      parsed.add(EntryKeys.parse(k));
    }
    return parsed.isEmpty() ? 0 : manager.sets().mutate(set, parsed, command(action));
  }

  /**
   * Applies {@code action} to every entry matching {@code filter} (all of the set when it filters
   * nothing).
   *
   * @return how many entries were changed
   */
  public int actOnMatching(SetName set, SetAction action, SetFilter filter) {
    return manager
        .sets()
        .mutate(set, (filter == null ? SetFilter.ALL : filter).query(), command(action));
  }

  private static String command(SetAction action) {
    return switch (action) {
      case RETRY, ENQUEUE -> "requeue";
      case DELETE -> "discard";
      case KILL -> "kill";
    };
  }
}
