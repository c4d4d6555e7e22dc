package dev.fabrik.server.web.console;

import java.time.Instant;
import java.util.List;

/**
 * The Busy page: worker processes and the jobs in progress, longest-running first.
 *
 * @param working every job in progress; {@code jobs} may hold fewer (it is capped)
 * @param now when it was taken (the server's clock), so a page refreshed from it can say "12s ago"
 */
public record BusyReport(
    List<WorkerProcess> processes, List<RunningJob> jobs, long working, Instant now) {

  public BusyReport {
    processes = List.copyOf(processes);
    jobs = List.copyOf(jobs);
  }
}
