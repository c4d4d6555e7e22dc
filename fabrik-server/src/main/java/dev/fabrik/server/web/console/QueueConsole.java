package dev.fabrik.server.web.console;

import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Queues page: sizes, latency, paused flags; browsing a queue; pause, resume, remove. */
public final class QueueConsole {
  /** Most jobs one page of a queue shows. */
  public static final int MAX_PAGE = 500;

  /**
   * How far toward the head {@link #job} looks for a job that moved: as many jobs as could have
   * been fetched while an operator read the page and clicked.
   */
  static final int SEARCH_BEHIND = 200;

  /**
   * How far past its position {@link #job} looks: offsets only shrink as the head is fetched, so
   * this is slack for a position off by a few (a hand-edited link), not for movement.
   */
  static final int SEARCH_AHEAD = 20;

  private final Store store;
  private final Manager manager;

  QueueConsole(Store store, Manager manager) {
    this.store = store;
    this.manager = manager;
  }

  /** Every known queue by name. */
  public List<QueueSummary> list() {
    Map<String, Long> sizes = store.queueSizes();
    Set<String> paused = store.pausedQueues();
    List<String> names = new ArrayList<>(sizes.keySet());
    names.sort(null);
    Map<String, Double> latency = names.isEmpty() ? Map.of() : manager.queues().latency(names);
    List<QueueSummary> out = new ArrayList<>(names.size());
    for (String name : names) {
      out.add(
          new QueueSummary(
              name,
              sizes.getOrDefault(name, 0L),
              latency.getOrDefault(name, 0.0),
              paused.contains(name)));
    }
    return out;
  }

  /**
   * A page of {@code queue}'s jobs from its head, starting {@code cursor} jobs in; {@code limit} is
   * clamped to 1..{@link #MAX_PAGE}.
   *
   * @throws ConsoleException NOT_FOUND for an unknown queue, BAD_REQUEST for a negative cursor
   */
  public QueueJobs jobs(String queue, long cursor, int limit) {
    if (cursor < 0) {
      throw ConsoleException.badRequest("cursor must be 0 or more, not " + cursor);
    }
    long size = requireQueue(queue);
    int n = Math.max(1, Math.min(MAX_PAGE, limit));
    List<QueuedJob> page = store.browse(queue, cursor, n);
    List<JobSummary> jobs = new ArrayList<>(page.size());
    for (QueuedJob j : page) {
      jobs.add(JobDetail.of(j.jid(), j.queue(), j.payload()).summary());
    }
    Long next = page.size() == n && cursor + n < size ? cursor + n : null;
    double latency = manager.queues().latency(List.of(queue)).getOrDefault(queue, 0.0);
    return new QueueJobs(
        queue, size, latency, store.pausedQueues().contains(queue), cursor, jobs, next);
  }

  /**
   * The job {@code jid} that a page listed at {@code position} of {@code queue}. The store only
   * browses by offset, and the offset shifts as workers fetch from the head: when the job is no
   * longer exactly there, the {@link #SEARCH_BEHIND} positions before it (and {@link #SEARCH_AHEAD}
   * after) are searched, in one bounded read.
   *
   * @throws ConsoleException BAD_REQUEST for a negative position or a blank jid; NOT_FOUND for an
   *     unknown queue, or when the job is not near there any more (fetched, most likely)
   */
  public QueuedJobDetail job(String queue, long position, String jid) {
    if (position < 0) {
      throw ConsoleException.badRequest("position must be 0 or more, not " + position);
    }
    if (jid == null || jid.isBlank()) {
      throw ConsoleException.badRequest("jid is required: the job's id as its queue page lists it");
    }
    long size = requireQueue(queue);
    long from = Math.max(0, position - SEARCH_BEHIND);
    int window = (int) (position - from) + 1 + SEARCH_AHEAD;
    List<QueuedJob> near = from < size ? store.browse(queue, from, window) : List.of();
    QueuedJob found = null;
    long at = -1;
    for (int i = 0; i < near.size(); i++) {
      QueuedJob j = near.get(i);
      // The match nearest the position asked for, should the jid be in the window twice.
      if (j.jid().equals(jid)
          && (found == null || Math.abs(from + i - position) < Math.abs(at - position))) {
        found = j;
        at = from + i;
      }
    }
    if (found == null) {
      throw ConsoleException.notFound(
          "job "
              + jid
              + " is no longer at position "
              + position
              + " of queue "
              + queue
              + ": it may have been fetched");
    }
    return new QueuedJobDetail(
        queue, at, size, JobDetail.of(found.jid(), found.queue(), found.payload()));
  }

  /**
   * A position as a link or request gives it: the job's offset from the head.
   *
   * @throws ConsoleException BAD_REQUEST unless it is a non-negative integer
   */
  public static long position(String text) {
    try {
      long p = Long.parseLong(text);
      if (p >= 0) {
        return p;
      }
    } catch (NumberFormatException e) {
      // the 400 below
    }
    throw ConsoleException.badRequest(
        "bad position \"" + text + "\": use the job's offset from the head (0, 1, ...)");
  }

  /** FETCH skips a paused queue; pushes still land in it. */
  public void pause(String queue) {
    requireQueue(queue);
    manager.queues().pause(List.of(queue));
  }

  public void resume(String queue) {
    requireQueue(queue);
    manager.queues().resume(List.of(queue));
  }

  /** Deletes the queue's jobs and forgets the queue. */
  public void remove(String queue) {
    requireQueue(queue);
    manager.queues().remove(List.of(queue));
  }

  /**
   * Deletes the one queued job {@code jid} of {@code queue} (of twins, the one fetched first).
   *
   * @throws ConsoleException BAD_REQUEST for a blank jid; NOT_FOUND when the queue holds no queued
   *     job {@code jid} (a worker fetched it, it was deleted, or it never was there)
   */
  public void deleteJob(String queue, String jid) {
    requireJid(jid);
    if (!store.singleJobs().deleteQueued(queue, jid)) {
      throw notQueued(queue, jid);
    }
  }

  /**
   * Makes the queued job {@code jid} the next of its priority level in {@code queue}.
   *
   * @throws ConsoleException as {@link #deleteJob} does
   */
  public void moveToFront(String queue, String jid) {
    requireJid(jid);
    if (!store.singleJobs().moveToFront(queue, jid)) {
      throw notQueued(queue, jid);
    }
  }

  private static void requireJid(String jid) {
    if (jid == null || jid.isBlank()) {
      throw ConsoleException.badRequest("jid is required");
    }
  }

  private static ConsoleException notQueued(String queue, String jid) {
    return ConsoleException.notFound(
        "job "
            + jid
            + " is not queued in "
            + queue
            + ": a worker may have fetched it, or it was deleted");
  }

  private long requireQueue(String queue) {
    Long size = queue == null ? null : store.queueSizes().get(queue);
    if (size == null) {
      throw ConsoleException.notFound("unknown queue " + queue);
    }
    return size;
  }
}
