package dev.fabrik.server.expiry;

import dev.fabrik.protocol.Job;
import dev.fabrik.server.OptionKeys;
import dev.fabrik.server.manager.JobMiddleware;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expiring jobs (spec §8.2) as a job hook: {@code custom.expires_at} / {@code custom.expires_in}
 * are checked and made absolute at PUSH; a job whose expiry has passed is discarded when a FETCH
 * reaches it (the FETCH goes on with the next job) and, if it is in the scheduled set or the
 * retries, dropped when it falls due instead of being enqueued.
 *
 * <p>A job counts as expired from the instant {@code expires_at} on. The check on the fetch path is
 * a look at the payload's option keys; only a job that has one is decoded.
 */
public final class ExpiringJobs implements JobMiddleware {
  private static final Logger log = LoggerFactory.getLogger(ExpiringJobs.class);

  private final Clock clock;
  private final ExpiredJobs observer;

  public ExpiringJobs(Clock clock, ExpiredJobs observer) {
    this.clock = clock;
    this.observer = observer;
  }

  @Override
  public void beforePush(Job job) {
    if (job.custom() != null) { // most jobs: not even a clock read
      ExpiryTime.stamp(job, clock.instant());
    }
  }

  @Override
  public boolean inspects(OptionKeys keys) {
    // PUSH always writes the absolute key, also for a job sent with expires_in.
    return keys.has(OptionKeys.Key.EXPIRES_AT);
  }

  @Override
  public FetchAction afterFetch(Job job) {
    return expired(job, ExpiredJobs.Where.FETCH) ? FetchAction.DISCARD : FetchAction.ACCEPT;
  }

  @Override
  public boolean dropWhenDue(Job job) {
    return expired(job, ExpiredJobs.Where.DUE);
  }

  private boolean expired(Job job, ExpiredJobs.Where where) {
    Instant at = ExpiryTime.of(job);
    if (at == null) {
      return false;
    }
    Instant now = clock.instant();
    if (now.isBefore(at)) {
      return false;
    }
    log.debug("job {} ({}) expired at {}; dropped at {}", job.jid(), job.jobtype(), at, where);
    observer.expired(job, where);
    return true;
  }
}
