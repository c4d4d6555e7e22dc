package dev.fabrik.server.batch;

import dev.fabrik.protocol.Job;
import dev.fabrik.server.OptionKeys;
import dev.fabrik.server.fault.CrashPoints;
import dev.fabrik.server.manager.JobMiddleware;
import dev.fabrik.server.manager.OutcomeListener;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Reservation;
import java.time.Instant;

/**
 * What the manager tells batches: a push naming {@code custom.bid} is checked (an unknown, expired
 * or committed batch refuses it with {@code -ERR} before anything is stored) and joins its batch;
 * an ACK moves a member to succeeded, a FAIL (to the retries, the dead set or away) to failed; a
 * snooze changes nothing (the job has not finished); the ACK of a callback job moves its state to
 * {@code "2"}. The store work runs on the batches thread, never on the caller's.
 */
public final class BatchOutcomes implements JobMiddleware, OutcomeListener {
  private final Batches batches;

  public BatchOutcomes(Batches batches) {
    this.batches = batches;
  }

  @Override
  public void beforePush(Job job) {
    String bid = BatchKeys.custom(job, BatchKeys.MEMBER);
    if (bid != null) {
      batches.requireOpen(bid);
    }
  }

  /** The job this thread's {@link #pushing} refused: it joined nothing, so nothing to leave. */
  private static final ThreadLocal<Job> REFUSED = new ThreadLocal<>();

  /**
   * Called just before the job's write is submitted: on a single-writer store the membership row
   * lands first, so no crash leaves a stored member job its batch does not know. Throws {@code
   * -ERR} when the store found the batch closed (committed on another node meanwhile).
   */
  @Override
  public void pushing(Job job) {
    String bid = BatchKeys.custom(job, BatchKeys.MEMBER);
    if (bid != null) {
      try {
        batches.joining(bid, job.jid());
      } catch (RuntimeException refused) {
        REFUSED.set(job);
        throw refused;
      }
    }
  }

  @Override
  public void notStored(Job job) {
    if (REFUSED.get() == job) {
      REFUSED.remove();
      return;
    }
    String bid = BatchKeys.custom(job, BatchKeys.MEMBER);
    if (bid != null) {
      batches.notJoined(bid, job.jid());
    }
  }

  @Override
  public boolean inspects(OptionKeys keys) {
    return false; // everything is done from the outcome reports below
  }

  @Override
  public void acknowledged(Reservation r) {
    if (!BatchKeys.mayCarry(r.options())) {
      return;
    }
    Job job = BatchKeys.decode(r.payload());
    String bid = BatchKeys.custom(job, BatchKeys.MEMBER);
    if (bid != null) {
      batches.memberFinished(bid, r.jid(), MemberState.SUCCEEDED);
    }
    String callbackOf = BatchKeys.custom(job, BatchKeys.CALLBACK);
    Callback which = Callback.fromWire(BatchKeys.custom(job, BatchKeys.WHICH));
    if (callbackOf != null && which != null) {
      CrashPoints.reached(CrashPoints.CALLBACK_ACKED);
      batches.callbackFinished(callbackOf, which);
    }
  }

  @Override
  public void failed(Reservation r, boolean expired) {
    if (!BatchKeys.mayCarry(r.options())) {
      return;
    }
    String bid = BatchKeys.custom(BatchKeys.decode(r.payload()), BatchKeys.MEMBER);
    if (bid != null) {
      batches.memberFinished(bid, r.jid(), MemberState.FAILED);
    }
  }

  @Override
  public void failed(Reservation r, boolean expired, FailureDecision.Outcome outcome) {
    if (BatchKeys.mayCarry(r.options())) {
      CrashPoints.reached(CrashPoints.MEMBER_FAILED);
    }
    failed(r, expired);
  }

  /** Not finished: the batch keeps waiting for the job's next run. */
  @Override
  public void snoozed(Reservation reservation, Instant until) {}
}
