package dev.fabrik.server.bulk;

import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One bulk action walking a set in chunks: scan a page of matching entries (soonest first), apply
 * the action to exactly those keys through the manager, count, repeat. Each chunk is a short store
 * transaction of its own, so a million-entry retry never holds the store or an HTTP request for
 * long, and {@link #status()} tells how far it got.
 *
 * <p>The walk stops at the entry that was last when the task started: entries added behind it
 * meanwhile are left alone, and a {@code kill} inside the dead set (which re-adds each entry with a
 * later expiry, behind that boundary) visits every entry once instead of forever.
 */
final class BulkTask implements Runnable {
  private static final Comparator<SetEntry.Key> ORDER =
      Comparator.comparing(SetEntry.Key::score)
          .thenComparing(SetEntry.Key::jid)
          .thenComparingLong(SetEntry.Key::seq);

  private final String id;
  private final SetName set;
  private final BulkAction action;
  private final SetQuery query;
  private final Store store;
  private final Manager manager;
  private final Clock clock;
  private final int chunk;
  private final Instant startedAt;
  private volatile TaskStatus.State state = TaskStatus.State.RUNNING;
  private volatile long done;
  private volatile Long total;
  private volatile long changed;
  private volatile String error;
  private volatile Instant finishedAt;
  private volatile boolean cancelRequested;

  BulkTask(
      String id,
      SetName set,
      BulkAction action,
      SetQuery query,
      Store store,
      Manager manager,
      Clock clock,
      int chunk) {
    this.id = id;
    this.set = set;
    this.action = action;
    this.query = query.withDescending(false);
    this.store = store;
    this.manager = manager;
    this.clock = clock;
    this.chunk = chunk;
    this.startedAt = clock.instant();
  }

  String id() {
    return id;
  }

  TaskStatus status() {
    return new TaskStatus(
        id, set, action, query, state, done, total, changed, error, startedAt, finishedAt);
  }

  /** Asks the walk to stop after the chunk in hand. */
  void cancel() {
    cancelRequested = true;
  }

  @Override
  public void run() {
    try {
      walk();
      finish(cancelRequested ? TaskStatus.State.CANCELLED : TaskStatus.State.DONE, null);
    } catch (RuntimeException e) {
      finish(TaskStatus.State.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private void walk() {
    List<SetEntry> last = store.scan(set, new SetQuery(null, null, true), null, 1).entries();
    if (!query.filtered()) {
      total = store.setSize(set);
    }
    if (last.isEmpty()) {
      return;
    }
    SetEntry.Key boundary = last.getFirst().key();
    SetEntry.Key after = null;
    while (!cancelRequested) {
      SetPage page = store.scan(set, query, after, chunk);
      List<SetEntry.Key> keys = new ArrayList<>(page.entries().size());
      boolean pastBoundary = false;
      for (SetEntry e : page.entries()) {
        if (ORDER.compare(e.key(), boundary) > 0) {
          pastBoundary = true;
          break;
        }
        keys.add(e.key());
      }
      if (!keys.isEmpty()) {
        changed +=
            action == BulkAction.COUNT
                ? keys.size()
                : manager.sets().mutate(set, keys, action.mutateCommand());
        done += keys.size();
      }
      if (pastBoundary || page.next() == null) {
        return;
      }
      after = page.next();
    }
  }

  private void finish(TaskStatus.State end, String why) {
    error = why;
    finishedAt = clock.instant();
    state = end;
  }
}
