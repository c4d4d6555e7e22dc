package dev.fabrik.server.web.console;

import dev.fabrik.server.storage.SetName;
import java.time.Instant;

/**
 * One place {@link JobSearch} found a jid in, with the job as stored there.
 *
 * @param where {@code queued}, {@code working}, or a set's wire name ({@code scheduled}, {@code
 *     retries}, {@code dead})
 * @param set the set, or null for a queued or working job
 * @param key the set entry's key ({@code SetEntry.Key.asString()}), or null outside the sets
 * @param at the set entry's score (run at, or expiry in dead), or when the worker must finish
 * @param wid the worker holding a working job, else null
 */
public record FoundJob(
    String where, SetName set, String key, Instant at, String wid, JobDetail job) {

  public static final String QUEUED = "queued";
  public static final String WORKING = "working";

  public boolean queued() {
    return QUEUED.equals(where);
  }

  public boolean working() {
    return WORKING.equals(where);
  }
}
