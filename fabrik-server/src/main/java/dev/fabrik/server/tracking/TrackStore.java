package dev.fabrik.server.tracking;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The tracking records of jobs, keyed by jid: one row each, changed by single-statement upserts so
 * a store shared by several server nodes (PostgreSQL) applies each atomically, without a lock in
 * any process.
 *
 * <p>Writes are applied in the order they are called: a write called after another one returned
 * (even before its stage completed) lands after it, so a state change reported from the FETCH that
 * handed a job out can never overtake the one from the ACK that finished it. A {@link #get} sees
 * every write called before it. The stages complete once the write is as durable as the store's
 * other writes; they may complete on a store thread (chain only short, non-blocking work).
 *
 * <p>Every implementation passes {@code TrackStoreContract}.
 */
public interface TrackStore {

  /**
   * A tracked job was pushed: replaces any record of {@code jid} (a jid pushed again starts over)
   * with a fresh {@link TrackState#ENQUEUED} one without progress.
   */
  CompletableFuture<Void> enqueued(String jid, Instant at);

  /**
   * The job moved to {@code state}: creates the record if missing, keeps its percent and desc.
   *
   * @param expiresAt when the record may go (null: not before the job finishes)
   */
  CompletableFuture<Void> moved(String jid, TrackState state, Instant at, Instant expiresAt);

  /**
   * {@code TRACK SET}: the new percent and/or desc (null keeps the stored value). A jid without a
   * record gets one in state {@link TrackState#UNKNOWN} that expires at {@code expiresIfNew}.
   */
  CompletableFuture<Void> progress(
      String jid, Integer percent, String desc, Instant at, Instant expiresIfNew);

  /** The record of {@code jid}, expired or not (the caller decides what expired means). */
  Optional<TrackRecord> get(String jid);

  /**
   * The records of these jids that exist, by jid, in one read (the Busy page asks for every tracked
   * job in progress at once).
   */
  Map<String, TrackRecord> getAll(Collection<String> jids);

  /**
   * Deletes up to {@code limit} records that expired at or before {@code now}; returns how many.
   */
  int purge(Instant now, int limit);

  /**
   * Settles the records of jobs that vanished without an outcome: an operator deleted them (a queue
   * removed, a set entry deleted, the dead set purged or trimmed) or FETCH dropped them because
   * they expired, so no ACK or FAIL will ever finish their record. An open record (no expiry) not
   * changed since before {@code quietSince} whose job is nowhere in this store (not queued,
   * reserved, in the scheduled, retries or dead set, nor held by a workflow) moves to {@link
   * TrackState#UNKNOWN}, keeps its progress, is stamped {@code at} and expires at {@code
   * expiresAt}. {@code quietSince} spares a job whose PUSH is still being stored (its record is
   * written first). Safe on any number of nodes at once: a record changed meanwhile is left alone.
   *
   * @return how many records moved (at most {@code limit})
   */
  int settleVanished(Instant quietSince, Instant at, Instant expiresAt, int limit);

  /** How many records are held (expired ones not yet purged included). */
  long size();
}
