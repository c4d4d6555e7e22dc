package dev.fabrik.server.manager;

import dev.fabrik.protocol.Job;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.workers.WorkerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every rule of a job's life: push (validation, defaults, scheduling), fetch (queue order, paused
 * queues, quiet workers, blocking wait), ack, fail (retry policy, backoff, dead set), reservation
 * expiry, mutate and queue control. Never touches a socket; command handlers call it and turn its
 * {@link dev.fabrik.server.CommandException}s into {@code -CODE message} replies. Thread-safe.
 *
 * <p>SKELETON: signatures agreed between the command layer and the manager; bodies to be filled.
 */
public final class Manager {
  private final Store store;
  private final WorkerRegistry workers;
  private final Clock clock;
  private final ManagerSettings settings;

  public Manager(Store store, WorkerRegistry workers, Clock clock, ManagerSettings settings) {
    this.store = store;
    this.workers = workers;
    this.clock = clock;
    this.settings = settings;
  }

  /** PUSH: validates, fills defaults, then schedules (future {@code at}) or enqueues. */
  public void push(Job job) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * PUSHB: pushes each job in turn (not atomic) and returns {@code jid → error text} for the ones
   * refused; coded errors keep their code ({@code "NOTUNIQUE ..."}), plain ERR ones do not.
   */
  public Map<String, String> pushBulk(List<Job> jobs) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * FETCH: the first job of the first non-empty, non-paused queue, reserved for {@code wid}; waits
   * up to {@code settings.fetchWait()} for one to arrive. Empty when nothing came or the worker is
   * quiet/terminating (then it waits the full time, so idle workers do not spin).
   *
   * @return the job's payload as it is to be sent
   */
  public Optional<byte[]> fetch(String wid, List<String> queues) throws InterruptedException {
    throw new UnsupportedOperationException("TODO");
  }

  /** ACK: unknown jids are fine (the job was reaped or already acked). */
  public void ack(String jid) {
    throw new UnsupportedOperationException("TODO");
  }

  /** FAIL: {@code -ERR Job not found <jid>} when it holds no reservation. */
  public void fail(FailureReport report) {
    throw new UnsupportedOperationException("TODO");
  }

  /** MUTATE on retries/scheduled/dead. */
  public void mutate(MutateRequest request) {
    throw new UnsupportedOperationException("TODO");
  }

  /** QUEUE PAUSE; {@code *} as the first name means every known queue. */
  public void pauseQueues(List<String> names) {
    throw new UnsupportedOperationException("TODO");
  }

  public void resumeQueues(List<String> names) {
    throw new UnsupportedOperationException("TODO");
  }

  public void removeQueues(List<String> names) {
    throw new UnsupportedOperationException("TODO");
  }

  /** QUEUE LATENCY: seconds since the head job of each queue was enqueued (0 when empty). */
  public Map<String, Double> latency(List<String> queues) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The data INFO reports under {@code faktory}. */
  public JobStats stats() {
    throw new UnsupportedOperationException("TODO");
  }

  /** FLUSH: all job data, counters and paused flags. */
  public void flush() {
    throw new UnsupportedOperationException("TODO");
  }

  // ---------------------------------------------------------------- periodic tasks

  /** Moves due scheduled jobs to their queues; returns how many. */
  public int enqueueScheduled() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Moves due retries to their queues; returns how many. */
  public int enqueueRetries() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Drops dead jobs past their TTL or beyond the size cap; returns how many. */
  public int purgeDead() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Fails every reservation past its deadline ({@code ReservationExpired}); returns how many. */
  public int reapReservations() {
    throw new UnsupportedOperationException("TODO");
  }

  Duration fetchWait() {
    return settings.fetchWait();
  }
}
