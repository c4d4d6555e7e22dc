package dev.fabrik.server.expiry;

import dev.fabrik.protocol.Job;

/** Told of every job dropped because its expiry passed (the metrics count them by job type). */
public interface ExpiredJobs {
  /** Where the job was when it was found expired. */
  enum Where {
    /** Taken from its queue by a FETCH, which went on to the next job. */
    FETCH,
    /** Due in the scheduled set or the retries, and dropped instead of enqueued. */
    DUE
  }

  void expired(Job job, Where where);

  /** An observer that ignores everything. */
  static ExpiredJobs none() {
    return (job, where) -> {};
  }
}
