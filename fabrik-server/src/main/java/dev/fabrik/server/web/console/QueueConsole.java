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
    Map<String, Double> latency = names.isEmpty() ? Map.of() : manager.latency(names);
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
    return new QueueJobs(queue, size, store.pausedQueues().contains(queue), cursor, jobs, next);
  }

  /** FETCH skips a paused queue; pushes still land in it. */
  public void pause(String queue) {
    requireQueue(queue);
    manager.pauseQueues(List.of(queue));
  }

  public void resume(String queue) {
    requireQueue(queue);
    manager.resumeQueues(List.of(queue));
  }

  /** Deletes the queue's jobs and forgets the queue. */
  public void remove(String queue) {
    requireQueue(queue);
    manager.removeQueues(List.of(queue));
  }

  private long requireQueue(String queue) {
    Long size = queue == null ? null : store.queueSizes().get(queue);
    if (size == null) {
      throw ConsoleException.notFound("unknown queue " + queue);
    }
    return size;
  }
}
