package dev.fabrik.server.tracking;

import dev.fabrik.protocol.Job;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.manager.OutcomeListener;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job tracking (spec §8.5): records the state of every job pushed with {@code custom.track = 1} as
 * the manager reports it (push → enqueued, fetch → working, ACK → success, FAIL → failed, or dead
 * when it went to the dead set), keeps what workers report with {@code TRACK SET}, extends
 * reservations, and answers {@code TRACK GET}. A record is kept {@link #RETENTION} after its job
 * finished; {@link TrackPurge} deletes it later, and a read treats it as gone right away.
 *
 * <p>Tracking is an aid, not a promise: a tracking write that fails is logged, and the push, ACK or
 * FAIL it follows stands.
 */
public final class Tracker implements OutcomeListener {
  private static final Logger log = LoggerFactory.getLogger(Tracker.class);

  /** How long a finished job's record is kept, as in Faktory Enterprise. */
  public static final Duration RETENTION = Duration.ofMinutes(30);

  /** The farthest ahead {@code reserve_until} may be (Faktory's reservation limit). */
  public static final Duration MAX_RESERVATION = Duration.ofHours(24);

  /** Longest {@code desc} kept: it is for a progress bar, not a log. */
  public static final int MAX_DESC_LENGTH = 1000;

  private final TrackStore store;
  private final BiPredicate<String, Instant> reservations;
  private final Clock clock;

  /**
   * @param reservations moves a jid's reservation deadline later and says whether it held one
   *     ({@code Store::extendReservation})
   */
  public Tracker(TrackStore store, BiPredicate<String, Instant> reservations, Clock clock) {
    this.store = store;
    this.reservations = reservations;
    this.clock = clock;
  }

  // ---------------------------------------------------------------- commands

  /**
   * {@code TRACK SET}: checks everything first, so a refused update changes nothing; then extends
   * the reservation and records the progress, returning once both are stored.
   *
   * @throws CommandException for a missing jid, a percent outside 0..100, a desc too long, or a
   *     {@code reserve_until} in the past, more than 24 h ahead, or for a job not reserved
   */
  public void set(TrackUpdate update) {
    Instant now = clock.instant();
    if (update.jid() == null || update.jid().isEmpty()) {
      throw CommandException.err("TRACK SET needs a jid");
    }
    if (update.percent() != null && (update.percent() < 0 || update.percent() > 100)) {
      throw CommandException.err("percent must be within 0..100, got " + update.percent());
    }
    if (update.desc() != null && update.desc().length() > MAX_DESC_LENGTH) {
      throw CommandException.err("desc is longer than " + MAX_DESC_LENGTH + " characters");
    }
    Instant until = update.reserveUntil();
    if (until != null) {
      if (!until.isAfter(now)) {
        throw CommandException.err("reserve_until " + until + " is not in the future");
      }
      if (until.isAfter(now.plus(MAX_RESERVATION))) {
        throw CommandException.err("reserve_until " + until + " is more than 24 hours ahead");
      }
      if (!reservations.test(update.jid(), until)) {
        throw CommandException.err(
            "cannot extend the reservation of "
                + CommandException.excerpt(update.jid())
                + ": the job is not reserved");
      }
    }
    if (update.percent() != null || update.desc() != null) {
      await(
          store.progress(update.jid(), update.percent(), update.desc(), now, now.plus(RETENTION)));
    }
  }

  /** {@code TRACK GET}: the record of {@code jid}, or one in state unknown. */
  public TrackRecord get(String jid) {
    Instant now = clock.instant();
    Optional<TrackRecord> r = store.get(jid);
    if (r.isEmpty() || r.get().expiredAt(now)) {
      return new TrackRecord(jid, TrackState.UNKNOWN, null, null, null, null);
    }
    return r.get();
  }

  /**
   * How long a record must be unchanged before its job may be judged vanished: far longer than a
   * PUSH takes to store the job after its record.
   */
  static final Duration VANISH_QUIET = Duration.ofMinutes(1);

  /**
   * A job an operator deleted, or FETCH dropped as expired, reports no outcome: its record moves to
   * unknown (its progress kept) and is kept {@link #RETENTION}, as a finished job's is; returns how
   * many moved.
   */
  public int settleVanished(int limit) {
    Instant now = clock.instant();
    return store.settleVanished(now.minus(VANISH_QUIET), now, now.plus(RETENTION), limit);
  }

  /** Deletes records past their retention; returns how many. */
  public int purge(int limit) {
    return store.purge(clock.instant(), limit);
  }

  private static void await(CompletableFuture<Void> write) {
    try {
      write.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- the manager's reports

  @Override
  public void pushing(Job job) {
    if (TrackedJobs.tracked(job)) {
      record(job.jid(), () -> store.enqueued(job.jid(), clock.instant()));
    }
  }

  /** The record {@link #pushing} started is dropped at once: there is no such job. */
  @Override
  public void notStored(Job job) {
    if (TrackedJobs.tracked(job)) {
      Instant now = clock.instant();
      record(job.jid(), () -> store.moved(job.jid(), TrackState.UNKNOWN, now, now));
    }
  }

  @Override
  public void fetched(Reservation r) {
    if (TrackedJobs.tracked(r)) {
      record(r.jid(), () -> store.moved(r.jid(), TrackState.WORKING, clock.instant(), null));
    }
  }

  @Override
  public void acknowledged(Reservation r) {
    finished(r, TrackState.SUCCESS);
  }

  @Override
  public void failed(Reservation r, boolean expired) {
    finished(r, TrackState.FAILED);
  }

  @Override
  public void failed(Reservation r, boolean expired, FailureDecision.Outcome outcome) {
    finished(r, outcome instanceof FailureDecision.Dead ? TrackState.DEAD : TrackState.FAILED);
  }

  /**
   * A snoozed job waits in the scheduled set to run again: enqueued, as a scheduled job is, its
   * progress kept.
   */
  @Override
  public void snoozed(Reservation r, Instant until) {
    if (TrackedJobs.tracked(r)) {
      record(r.jid(), () -> store.moved(r.jid(), TrackState.ENQUEUED, clock.instant(), null));
    }
  }

  private void finished(Reservation r, TrackState state) {
    if (TrackedJobs.tracked(r)) {
      Instant now = clock.instant();
      record(r.jid(), () -> store.moved(r.jid(), state, now, now.plus(RETENTION)));
    }
  }

  /** Submits a state write without waiting; failures are logged, never thrown at the caller. */
  private static void record(String jid, Supplier<CompletableFuture<Void>> w) {
    try {
      w.get()
          .exceptionally(
              e -> {
                log.warn("tracking state of {} not stored: {}", jid, e.toString());
                return null;
              });
    } catch (StorageException e) {
      log.warn("tracking state of {} not stored: {}", jid, e.toString());
    }
  }
}
