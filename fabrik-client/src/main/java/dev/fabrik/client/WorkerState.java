package dev.fabrik.client;

/**
 * A worker process's lifecycle state as BEAT reports it. States only move forward: running → quiet
 * → terminate.
 *
 * <pre>
 * C: BEAT {"wid":"w1","rss_kb":1024}     S: +OK                       RUNNING
 *                                        S: $18 {"state":"quiet"}     QUIET
 *                                        S: $22 {"state":"terminate"} TERMINATE
 * </pre>
 */
public enum WorkerState {
  RUNNING,
  QUIET,
  TERMINATE;

  /** The wire form: {@code running}, {@code quiet}, {@code terminate}. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
