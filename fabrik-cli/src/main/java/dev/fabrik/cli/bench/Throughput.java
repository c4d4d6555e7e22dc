package dev.fabrik.cli.bench;

import java.time.Duration;

/**
 * push-bulk, push and drain: as many jobs per second as C connections can move. Two engines
 * implement it with the same requests in flight per connection: {@link LoopPhases} (one event-loop
 * thread) and {@link ThroughputPhases} (one thread per connection).
 */
interface Throughput {
  /** PUSHB {@code batch} jobs per command until {@code jobs} are pushed. */
  Duration pushBulk(String queue, long jobs, int batch, Tally tally);

  /**
   * One PUSH in flight per connection until {@code jobs} are pushed; {@code unique}: each job with
   * {@code custom.unique_for} and args of its own ({@link JobLines#pushUnique}).
   */
  Duration push(String queue, long jobs, boolean unique, Tally tally);

  /**
   * FETCH and ACK exactly {@code jobs} jobs; the ACK of one job and the FETCH of the next leave in
   * one write:
   *
   * <pre>
   * C: ACK {"jid":"a"}\r\nFETCH q\r\n     (one write)
   * S: +OK\r\n$123\r\n{...next job...}\r\n
   * </pre>
   */
  Duration drain(String queue, long jobs, Tally tally);
}
