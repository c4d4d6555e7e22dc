package dev.fabrik.server.fate;

import java.time.Instant;
import java.util.Optional;

/**
 * What became of a batch or workflow job that left the store without a trace (reached as {@code
 * Store.fates()}): a FAIL whose retry policy discards it ({@code retry: 0}) writes a row in the
 * same transaction that deletes the job, but only for payloads that may carry {@code custom.bid} or
 * {@code custom.after} ({@link FateMarks}); plain jobs write nothing.
 *
 * <pre>
 * job_fates(jid PK, fate, at)    fate: 'discarded'
 * </pre>
 *
 * <p>Why: batches and workflows hear of an outcome after the store committed it. A process that
 * dies in between leaves a member whose job is gone; without this row the crash recovery could not
 * tell a discard (failed) from an ACK (succeeded). Recovery reads the rows in SQL (batch members,
 * workflow rows); rows are purged after a retention. Every implementation passes {@code
 * JobFatesContract}.
 */
public interface JobFates {

  /** The fate a discarding FAIL records. */
  String DISCARDED = "discarded";

  /** When {@code jid} was discarded by a FAIL, if a row was recorded and not yet purged. */
  Optional<Instant> discardedAt(String jid);

  /** Deletes up to {@code limit} rows recorded at or before {@code before}; returns how many. */
  int purge(Instant before, int limit);
}
