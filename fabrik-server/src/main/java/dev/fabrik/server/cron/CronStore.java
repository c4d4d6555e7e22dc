package dev.fabrik.server.cron;

import dev.fabrik.server.storage.QueuedJob;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What cron keeps in the store (every {@code Store} offers one through {@code Store.cron()}): per
 * entry id the last tick claimed, the job it pushed and a paused flag; and the entries added
 * through the JSON API.
 *
 * <p>Exactly one job per tick rests on {@link #claimTick}: a compare-and-set of the entry's last
 * tick and the insert of the tick's job in ONE transaction. Two servers (or two services on one
 * store) racing for the same tick both read last tick L and ask to move it from L to T; the store
 * lets one win and the other gets {@code false} with nothing enqueued. A crash either keeps both
 * the new last tick and the job, or neither, so a restart never fires a claimed tick again. A
 * PostgreSQL store does the same with {@code UPDATE … WHERE last_tick = L} and the job insert in
 * one transaction.
 */
public interface CronStore {

  /**
   * The state of one entry.
   *
   * @param lastTick the latest tick claimed (or the moment the entry was first seen or resumed)
   * @param lastJid the jid of the job last pushed (by a tick or "run now"), null if none yet
   * @param lastRunAt when that job was pushed, null if none yet
   */
  record TickState(
      String entryId, Instant lastTick, String lastJid, Instant lastRunAt, boolean paused) {}

  /** An entry added through the API, as stored: its canonical definition JSON. */
  record StoredEntry(String id, byte[] definition) {}

  /**
   * Creates the state of each entry that has none, with {@code lastTick = since} (the first time an
   * entry is seen, ticks before {@code since} are not "missed"), in one write; returns the states
   * of all of {@code entryIds}.
   */
  Map<String, TickState> ensure(Collection<String> entryIds, Instant since);

  Optional<TickState> state(String entryId);

  /** Every entry's state, by id. */
  Map<String, TickState> states();

  /**
   * Moves the entry's last tick from {@code expectedLastTick} to {@code tick} and, in the same
   * atomic write, enqueues {@code job} (null: skip the tick without a job, as {@code catch_up =
   * "none"} does). Nothing happens when the last tick is no longer {@code expectedLastTick}
   * (another claimer won) or the entry is paused.
   *
   * @return whether this call claimed the tick
   */
  boolean claimTick(String entryId, Instant expectedLastTick, Instant tick, QueuedJob job);

  /** "Run now": enqueues {@code job} and records it as the entry's last job; the tick is kept. */
  void runNow(String entryId, Instant at, QueuedJob job);

  /** Pauses; ticks that pass while paused never fire. */
  void pause(String entryId);

  /** Resumes, restarting the schedule at {@code now} (ticks missed while paused are dropped). */
  void resume(String entryId, Instant now);

  /** Stores (or replaces) an API entry's definition. */
  void saveEntry(String id, byte[] definition);

  /** Deletes an API entry and its state; false when there was none. */
  boolean removeEntry(String id);

  List<StoredEntry> entries();
}
