package dev.fabrik.server.batch;

import dev.fabrik.server.CommandException;

/**
 * Why a PUSH naming a batch ({@code custom.bid}) is refused, in the same words wherever it is
 * decided: by {@link Batches} before the job is stored, or by a store that finds, in the
 * transaction storing the job, that the batch went away after the PUSH joined it.
 */
public final class BatchRefusals {
  private BatchRefusals() {}

  /** {@code -ERR unknown batch <bid> (expired, flushed, or never created)}. */
  public static CommandException unknown(String bid) {
    return CommandException.err(
        "unknown batch " + CommandException.excerpt(bid) + " (expired, flushed, or never created)");
  }

  /** {@code -ERR batch <bid> is committed; BATCH OPEN it before pushing more jobs into it}. */
  public static CommandException committed(String bid) {
    return CommandException.err(
        "batch " + bid + " is committed; BATCH OPEN it before pushing more jobs into it");
  }

  /** The batch a stored payload's {@code custom.bid} names, or null (none, or not readable). */
  public static String bidOf(byte[] payload) {
    return BatchKeys.custom(BatchKeys.decode(payload), BatchKeys.MEMBER);
  }
}
