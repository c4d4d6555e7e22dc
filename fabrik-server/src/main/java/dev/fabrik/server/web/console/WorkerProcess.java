package dev.fabrik.server.web.console;

import java.time.Instant;
import java.util.List;

/**
 * A worker process on the Busy page.
 *
 * @param state {@code running}, {@code quiet} or {@code terminate}
 * @param connections connections the process holds (pooled clients share one wid)
 * @param jobsInFlight jobs it has fetched and not yet acknowledged or failed
 * @param concurrency jobs it runs at most at once as its BEAT says, -1 when not reported
 * @param busy jobs it says it is running, -1 when not reported
 */
public record WorkerProcess(
    String wid,
    String hostname,
    long pid,
    List<String> labels,
    String state,
    Instant startedAt,
    Instant lastBeat,
    long rssKb,
    int connections,
    int jobsInFlight,
    int concurrency,
    int busy) {

  public WorkerProcess {
    labels = List.copyOf(labels);
  }
}
