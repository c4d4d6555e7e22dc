package dev.fabrik.server.web.console;

import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.tracking.TrackRecord;
import dev.fabrik.server.tracking.TrackedJobs;
import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerRegistry;
import dev.fabrik.server.workers.WorkerState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Busy page: worker processes, jobs in progress, and the quiet/terminate signals. */
public final class BusyConsole {
  /** Most jobs in progress one report lists. */
  public static final int MAX_JOBS = 1000;

  /**
   * Most reservations read to count each worker's jobs in flight; past it the counts are low (a
   * server with more jobs in progress than this has bigger worries than the Busy page).
   */
  static final int MAX_COUNTED = 10_000;

  /** The wid that means every worker in {@link #signal}. */
  public static final String ALL = "all";

  private final Store store;
  private final WorkerRegistry workers;
  private final Clock clock;

  BusyConsole(Store store, WorkerRegistry workers, Clock clock) {
    this.store = store;
    this.workers = workers;
    this.clock = clock;
  }

  /**
   * Workers by hostname then wid, and up to {@code jobLimit} (clamped to 1..{@link #MAX_JOBS}) jobs
   * in progress, longest-running first.
   */
  public BusyReport report(int jobLimit) {
    Instant now = clock.instant();
    int listed = Math.max(1, Math.min(MAX_JOBS, jobLimit));
    List<Reservation> reserved = store.reservations(MAX_COUNTED);
    Map<String, Integer> inFlight = new HashMap<>();
    for (Reservation r : reserved) {
      inFlight.merge(r.wid() == null ? "" : r.wid(), 1, Integer::sum);
    }
    List<Reservation> shown = reserved.subList(0, Math.min(listed, reserved.size()));
    Map<String, TrackRecord> tracked = trackedProgress(shown);
    List<WorkerInfo> known = List.copyOf(workers.list());
    Set<String> live = new HashSet<>();
    known.forEach(w -> live.add(w.wid()));
    List<RunningJob> jobs = new ArrayList<>(shown.size());
    for (Reservation r : shown) {
      Duration running = Duration.between(r.reservedAt(), now);
      jobs.add(
          new RunningJob(
              r.jid(),
              JobDetail.of(r.jid(), r.queue(), r.payload()).jobtype(),
              r.queue(),
              r.wid(),
              r.reservedAt(),
              running.isNegative() ? Duration.ZERO : running,
              r.expiresAt(),
              JobProgress.of(tracked.get(r.jid()), now),
              gone(r.wid(), live)));
    }
    List<WorkerProcess> processes = new ArrayList<>();
    for (WorkerInfo w : known) {
      processes.add(
          new WorkerProcess(
              w.wid(),
              w.hostname(),
              w.pid(),
              w.labels(),
              w.state().wireName(),
              w.startedAt(),
              w.lastBeat(),
              w.rssKb(),
              w.connections(),
              inFlight.getOrDefault(w.wid(), 0),
              w.load().concurrency(),
              w.load().busy()));
    }
    processes.sort(
        Comparator.comparing(WorkerProcess::hostname, Comparator.nullsFirst(String::compareTo))
            .thenComparing(WorkerProcess::wid));
    return new BusyReport(processes, jobs, store.workingSize(), now);
  }

  /**
   * A job fetched by a worker process (a wid) that no longer has a record; a job fetched by a
   * connection without a wid (a producer, a script) belongs to no worker and is not "gone".
   */
  private static boolean gone(String wid, Set<String> live) {
    return wid != null && !wid.isEmpty() && !live.contains(wid);
  }

  /** The tracking records of the tracked jobs among {@code shown}, read at once. */
  private Map<String, TrackRecord> trackedProgress(List<Reservation> shown) {
    List<String> jids = new ArrayList<>();
    for (Reservation r : shown) {
      if (TrackedJobs.tracked(r)) {
        jids.add(r.jid());
      }
    }
    return jids.isEmpty() ? Map.of() : store.tracking().getAll(jids);
  }

  /**
   * Sends quiet or terminate to {@code wid} ({@link #ALL} for every worker); the worker learns it
   * on its next BEAT. Signals only move forward (a terminating worker cannot be made quiet).
   *
   * @return how many workers were signaled
   * @throws ConsoleException NOT_FOUND for an unknown wid, BAD_REQUEST for {@code running}
   */
  public int signal(String wid, WorkerState state) {
    if (state == WorkerState.RUNNING) {
      throw ConsoleException.badRequest("a worker cannot be told to run again");
    }
    if (ALL.equals(wid)) {
      int signaled = 0;
      for (WorkerInfo w : workers.list()) {
        if (workers.signal(w.wid(), state)) {
          signaled++;
        }
      }
      return signaled;
    }
    if (!workers.signal(wid, state)) {
      throw ConsoleException.notFound("unknown worker " + wid);
    }
    return 1;
  }
}
