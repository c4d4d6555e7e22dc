package dev.fabrik.server.unique;

/** When a unique job gives its lock back before the TTL ({@code custom.unique_until}). */
public enum UniqueUntil {
  /** {@code "success"}, the default: at ACK; the lock is held through failures and retries. */
  SUCCESS,
  /** {@code "start"}: when a worker fetches the job, so a retry may overlap a new copy. */
  START
}
