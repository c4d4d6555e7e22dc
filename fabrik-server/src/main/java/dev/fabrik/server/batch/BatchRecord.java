package dev.fabrik.server.batch;

import java.time.Instant;

/**
 * One batch as stored, with its member counts. {@code completeJob}/{@code successJob} are the
 * callback jobs' JSON as given to {@code BATCH NEW} (jid filled in), null when not given.
 *
 * <p>The callback states use Faktory Enterprise's wire values: {@link #PENDING} {@code ""} (not yet
 * fired), {@link #ENQUEUED} {@code "1"} (callback pushed), {@link #DONE} {@code "2"} (callback
 * ACKed, or nothing to run because that callback was not given).
 *
 * @param committed the batch was committed at least once (its callbacks may fire)
 * @param open jobs may join it: true from NEW until COMMIT, and again from OPEN until COMMIT
 * @param expiresAt when an open batch stops waiting for its COMMIT (30 minutes after NEW or OPEN)
 * @param completedAt when complete_st became {@code "2"}; retention counts from there
 */
public record BatchRecord(
    String bid,
    String parentBid,
    String description,
    Instant createdAt,
    Instant expiresAt,
    boolean committed,
    boolean open,
    String completeJob,
    String successJob,
    String completeSt,
    String successSt,
    Instant completedAt,
    long total,
    long pending,
    long failed) {

  public static final String PENDING = "";
  public static final String ENQUEUED = "1";
  public static final String DONE = "2";

  /** A batch as {@code BATCH NEW} creates it: open, uncommitted, no members. */
  public static BatchRecord created(
      String bid,
      String parentBid,
      String description,
      Instant now,
      Instant expiresAt,
      String completeJob,
      String successJob) {
    return new BatchRecord(
        bid,
        parentBid,
        description,
        now,
        expiresAt,
        false,
        true,
        completeJob,
        successJob,
        PENDING,
        PENDING,
        null,
        0,
        0,
        0);
  }

  /** Members that ran and succeeded. */
  public long succeeded() {
    return total - pending - failed;
  }
}
