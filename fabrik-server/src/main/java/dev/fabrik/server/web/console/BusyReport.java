package dev.fabrik.server.web.console;

import java.util.List;

/**
 * The Busy page: worker processes and the jobs in progress, longest-running first.
 *
 * @param working every job in progress; {@code jobs} may hold fewer (it is capped)
 */
public record BusyReport(List<WorkerProcess> processes, List<RunningJob> jobs, long working) {

  public BusyReport {
    processes = List.copyOf(processes);
    jobs = List.copyOf(jobs);
  }
}
