package dev.fabrik.server.workers;

import java.time.Instant;
import java.util.List;

/**
 * What a worker told us in HELLO and BEAT, as the admin endpoint lists it.
 *
 * @param connections how many connections currently share the wid
 * @param load the concurrency and busy count of its last BEAT, where the client reports them
 */
public record WorkerInfo(
    String wid,
    String hostname,
    long pid,
    List<String> labels,
    Instant startedAt,
    Instant lastBeat,
    long rssKb,
    WorkerState state,
    int connections,
    WorkerLoad load) {

  public WorkerInfo {
    load = load == null ? WorkerLoad.UNKNOWN : load;
  }

  /** A record with nothing known of its load (a HELLO; a shared row of the cluster's table). */
  public WorkerInfo(
      String wid,
      String hostname,
      long pid,
      List<String> labels,
      Instant startedAt,
      Instant lastBeat,
      long rssKb,
      WorkerState state,
      int connections) {
    this(
        wid,
        hostname,
        pid,
        labels,
        startedAt,
        lastBeat,
        rssKb,
        state,
        connections,
        WorkerLoad.UNKNOWN);
  }

  /** This record with {@code load}. */
  public WorkerInfo withLoad(WorkerLoad load) {
    return new WorkerInfo(
        wid, hostname, pid, labels, startedAt, lastBeat, rssKb, state, connections, load);
  }
}
