package dev.fabrik.server.bulk;

import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.Store;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * This node's bulk tasks ({@code POST /api/tasks}): each runs on a thread of its own and is kept,
 * finished, for {@link Settings#keepFinished} so a client that polls late still learns the outcome.
 * Bounded: at most {@link Settings#maxRunning} run at once (another start is refused), and at most
 * {@link Settings#maxKept} are remembered (the oldest finished ones are forgotten first).
 *
 * <p>Tasks live in this node's memory: with several nodes on one PostgreSQL, poll the node that
 * started the task. The entries themselves are changed through the shared store, so every node sees
 * the effect.
 */
public final class BulkTasks {
  /** Bounds and the chunk size (entries per store transaction). */
  public record Settings(int maxRunning, int maxKept, Duration keepFinished, int chunk) {
    public static Settings defaults() {
      return new Settings(4, 100, Duration.ofHours(1), 500);
    }
  }

  /** A start refused because {@link Settings#maxRunning} tasks are running. */
  public static final class Busy extends RuntimeException {
    Busy(int max) {
      super(
          "too many bulk tasks running (" + max + "); wait for one to finish or cancel one",
          null,
          false,
          false);
    }
  }

  private final Store store;
  private final Manager manager;
  private final Clock clock;
  private final Executor executor;
  private final Settings settings;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, BulkTask> tasks = new LinkedHashMap<>();

  /**
   * @param executor runs each task (the server gives a virtual thread per task)
   */
  public BulkTasks(
      Store store, Manager manager, Clock clock, Executor executor, Settings settings) {
    this.store = store;
    this.manager = manager;
    this.clock = clock;
    this.executor = executor;
    this.settings = settings;
  }

  /**
   * Starts {@code action} on every entry of {@code set} matching {@code query}.
   *
   * @throws Busy when {@link Settings#maxRunning} tasks are running
   */
  public TaskStatus start(SetName set, BulkAction action, SetQuery query) {
    BulkTask task;
    synchronized (this) {
      prune(1);
      long running = tasks.values().stream().filter(t -> !t.status().finished()).count();
      if (running >= settings.maxRunning()) {
        throw new Busy(settings.maxRunning());
      }
      byte[] id = new byte[8];
      random.nextBytes(id);
      task =
          new BulkTask(
              HexFormat.of().formatHex(id),
              set,
              action,
              query,
              store,
              manager,
              clock,
              settings.chunk());
      tasks.put(task.id(), task);
    }
    executor.execute(task);
    return task.status();
  }

  /** A task started here and not yet forgotten. */
  public synchronized Optional<TaskStatus> status(String id) {
    prune(0);
    BulkTask t = tasks.get(id);
    return t == null ? Optional.empty() : Optional.of(t.status());
  }

  /** Every remembered task, oldest first. */
  public synchronized List<TaskStatus> list() {
    prune(0);
    List<TaskStatus> out = new ArrayList<>(tasks.size());
    tasks.values().forEach(t -> out.add(t.status()));
    return out;
  }

  /** Asks a running task to stop after its current chunk; its status says how far it got. */
  public synchronized Optional<TaskStatus> cancel(String id) {
    BulkTask t = tasks.get(id);
    if (t == null) {
      return Optional.empty();
    }
    t.cancel();
    return Optional.of(t.status());
  }

  /**
   * Forgets finished tasks past their keep time, then the oldest finished ones until {@code room}
   * more fit within the bound.
   */
  private void prune(int room) {
    var now = clock.instant();
    tasks
        .values()
        .removeIf(
            t -> {
              TaskStatus s = t.status();
              return s.finished() && s.finishedAt().plus(settings.keepFinished()).isBefore(now);
            });
    var it = tasks.values().iterator();
    while (tasks.size() + room > settings.maxKept() && it.hasNext()) {
      if (it.next().status().finished()) {
        it.remove();
      }
    }
  }
}
