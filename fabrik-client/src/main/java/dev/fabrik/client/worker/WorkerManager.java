package dev.fabrik.client.worker;

import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.ClientPool;
import dev.fabrik.client.WorkerState;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.ProtocolConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A worker process: {@code concurrency} threads each FETCH a job, perform it through the {@link
 * HandlerRegistry} and ACK or FAIL it, while a heartbeat tells the server we are alive.
 *
 * <pre>{@code
 * WorkerManager worker = WorkerManager.builder(ClientConfig.fromEnvironment(System.getenv()))
 *     .concurrency(20)
 *     .queues(Queues.weighted(Map.of("critical", 3, "default", 1)))
 *     .register("SendEmail", Email.class, (ctx, email) -> mailer.send(email))
 *     .use((ctx, next) -> { long t = System.nanoTime(); next.proceed(); record(ctx, t); })
 *     .listener(new MicrometerJobMetrics(meterRegistry))   // optional: fabrik.jobs.* meters
 *     .shutdownHook(true)
 *     .build();
 * worker.start();
 * }</pre>
 *
 * Lifecycle: running → quiet (no more fetching; jobs in flight finish) → stopped. {@link
 * #stop(Duration)} and the server's "terminate" wait for jobs in flight up to the grace period,
 * then FAIL the ones still running (so the server retries them) and interrupt their threads. A
 * fetched job is always either ACKed or FAILed; the framework never runs a job twice.
 */
public final class WorkerManager implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WorkerManager.class.getName());

  private enum Phase {
    NEW,
    RUNNING,
    QUIET,
    STOPPING,
    STOPPED
  }

  private final Builder settings;
  private final String wid;
  private final InFlight inFlight = new InFlight();
  private final Reporter reporter;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<Thread> threads = new ArrayList<>();
  private volatile Phase phase = Phase.NEW;
  private ServerLink controlLink;
  private ScheduledExecutorService timers;
  private ClientPool pushPool;
  private boolean ownsPushPool;
  private Thread hook;

  private WorkerManager(Builder b) {
    this.settings = b;
    this.wid = b.config.wid() != null ? b.config.wid() : ProtocolConnection.randomJid();
    this.reporter = new Reporter(b.reportRetryFor);
  }

  /** A builder for a worker talking to the server {@code config} names. */
  public static Builder builder(ClientConfig config) {
    return new Builder(config);
  }

  /** This process's worker id, sent in HELLO and BEAT (the Busy page shows it). */
  public String wid() {
    return wid;
  }

  /** Jobs being performed right now. */
  public int inFlight() {
    return inFlight.size();
  }

  /** True between {@link #start()} and the end of shutdown, including while quiet. */
  public boolean isRunning() {
    Phase p = phase;
    return p == Phase.RUNNING || p == Phase.QUIET;
  }

  /**
   * Connects (the first heartbeat fails fast on a wrong address or password), starts the threads
   * and the heartbeat, then calls the startup callbacks.
   *
   * @throws dev.fabrik.client.FabrikException the server cannot be reached
   * @throws IllegalStateException started before
   */
  public synchronized void start() {
    if (phase != Phase.NEW) {
      throw new IllegalStateException("a WorkerManager starts only once");
    }
    ClientConfig workerConfig = settings.config.withWid(wid);
    controlLink = new ServerLink(workerConfig);
    Heartbeat heartbeat =
        new Heartbeat(
            controlLink,
            wid,
            this::reportedState,
            this::onServerState,
            settings.concurrency,
            inFlight::size);
    // HELLO + BEAT: fail fast
    controlLink.beat(wid, Heartbeat.rssKb(), WorkerState.RUNNING, settings.concurrency, 0);
    pushPool = settings.pushPool;
    if (pushPool == null) {
      pushPool = ClientPool.create(settings.config.withWid(null), 4, Duration.ofSeconds(30));
      ownsPushPool = true;
    }
    ClientPool pool = pushPool;
    Consumer<Job> pusher =
        job ->
            pool.withClient(
                c -> {
                  c.push(job);
                  return null;
                });
    timers = new ScheduledThreadPoolExecutor(2, daemonFactory("fabrik-worker-timer-"));
    JobListeners listeners = new JobListeners(settings.listeners);
    phase = Phase.RUNNING;
    for (int i = 0; i < settings.concurrency; i++) {
      Processor p =
          new Processor(
              new ServerLink(workerConfig),
              settings.queues,
              settings.registry,
              pusher,
              inFlight,
              reporter,
              controlLink,
              timers,
              () -> phase == Phase.RUNNING,
              listeners);
      Thread t = settings.threadFactory.newThread(p);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    long beatMillis = settings.heartbeatInterval.toMillis();
    timers.scheduleWithFixedDelay(heartbeat, beatMillis, beatMillis, TimeUnit.MILLISECONDS);
    if (settings.shutdownHook) {
      hook = new Thread(() -> stop(settings.shutdownGrace), "fabrik-worker-shutdown-hook");
      Runtime.getRuntime().addShutdownHook(hook);
    }
    settings.onStartup.forEach(WorkerManager::callback);
  }

  /** Stops fetching; jobs in flight finish. The server's "quiet" does the same. Idempotent. */
  public void quiet() {
    synchronized (this) {
      if (phase != Phase.RUNNING) {
        return;
      }
      phase = Phase.QUIET;
    }
    settings.onQuiet.forEach(WorkerManager::callback);
  }

  /**
   * Stops fetching, waits up to {@code grace} for jobs in flight, FAILs those still running (the
   * server retries them) and interrupts their threads, then closes connections and calls the
   * shutdown callbacks. Synchronous and idempotent; safe before {@link #start()}.
   */
  public void stop(Duration grace) {
    synchronized (this) {
      if (phase == Phase.NEW) {
        phase = Phase.STOPPED;
        stopped.countDown();
        return;
      }
      if (phase == Phase.STOPPING || phase == Phase.STOPPED) {
        awaitStopped();
        return;
      }
      if (phase == Phase.RUNNING) {
        phase = Phase.QUIET;
        settings.onQuiet.forEach(WorkerManager::callback);
      }
      phase = Phase.STOPPING;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    joinAll(deadline);
    for (Execution e : inFlight.closeAndTakeAll()) {
      RuntimeException shutdown = JobTimeoutException.shutdown();
      if (e.claimAndInterrupt(shutdown)) {
        reporter.fail(controlLink, e.job(), shutdown);
      }
    }
    // Threads blocked in FETCH come back within the server's fetch wait (about 2 s); a job they
    // bring now is FAILed at once because InFlight is closed.
    joinAll(System.nanoTime() + settings.fetchWaitBound.toNanos());
    timers.shutdownNow();
    controlLink.close();
    if (ownsPushPool) {
      pushPool.close();
    }
    removeHook();
    phase = Phase.STOPPED;
    settings.onShutdown.forEach(WorkerManager::callback);
    stopped.countDown();
  }

  /** {@link #stop(Duration)} with the builder's shutdown grace period. */
  @Override
  public void close() {
    stop(settings.shutdownGrace);
  }

  private WorkerState reportedState() {
    return phase == Phase.RUNNING ? WorkerState.RUNNING : WorkerState.QUIET;
  }

  /** The heartbeat saw quiet or terminate (someone pressed a button in the web UI). */
  private void onServerState(WorkerState state) {
    if (state == WorkerState.QUIET) {
      quiet();
    } else if (state == WorkerState.TERMINATE && isRunning()) {
      // stop() waits for jobs; never block the timer thread that also runs reserve timeouts.
      Thread t = new Thread(() -> stop(settings.shutdownGrace), "fabrik-worker-terminate");
      t.setDaemon(false);
      t.start();
    }
  }

  private void joinAll(long deadlineNanos) {
    for (Thread t : threads) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0 || t == Thread.currentThread()) {
        continue;
      }
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void awaitStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void removeHook() {
    if (hook == null || Thread.currentThread() == hook) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down
    }
  }

  private static void callback(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "lifecycle callback failed", e);
    }
  }

  private static ThreadFactory daemonFactory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Configures a {@link WorkerManager}; settings freeze at {@link #build()}. */
  public static final class Builder {
    private final ClientConfig config;
    private HandlerRegistry registry = HandlerRegistry.create();
    private int concurrency = 20;
    private Queues queues = Queues.strict("default");
    private ThreadFactory threadFactory;
    private Duration heartbeatInterval = Duration.ofSeconds(15);
    private Duration shutdownGrace = Duration.ofSeconds(25);
    private Duration reportRetryFor = Duration.ofSeconds(60);
    private Duration fetchWaitBound = Duration.ofSeconds(5);
    private boolean shutdownHook;
    private ClientPool pushPool;
    private final List<Runnable> onStartup = new ArrayList<>();
    private final List<Runnable> onQuiet = new ArrayList<>();
    private final List<Runnable> onShutdown = new ArrayList<>();
    private final List<JobListener> listeners = new ArrayList<>();
    private boolean built;

    private Builder(ClientConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Worker threads, i.e. jobs performed at once (default 20). */
    public Builder concurrency(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1: " + value);
      }
      this.concurrency = value;
      return this;
    }

    /** Queues to fetch from (default {@code strict("default")}). */
    public Builder queues(Queues value) {
      this.queues = Objects.requireNonNull(value, "queues");
      return this;
    }

    /** Shorthand for {@code queues(Queues.strict(names))}. */
    public Builder queues(String... names) {
      return queues(Queues.strict(names));
    }

    /** Replaces the registry (e.g. one built with the application's ObjectMapper). */
    public Builder handlers(HandlerRegistry value) {
      this.registry = Objects.requireNonNull(value, "registry");
      return this;
    }

    /** See {@link HandlerRegistry#register(String, JobHandler)}. */
    public Builder register(String jobtype, JobHandler handler) {
      registry.register(jobtype, handler);
      return this;
    }

    /** See {@link HandlerRegistry#registerJson(String, JsonJobHandler)}. */
    public Builder registerJson(String jobtype, JsonJobHandler handler) {
      registry.registerJson(jobtype, handler);
      return this;
    }

    /** See {@link HandlerRegistry#register(String, Class, TypedJobHandler)}. */
    public <T> Builder register(String jobtype, Class<T> type, TypedJobHandler<? super T> handler) {
      registry.register(jobtype, type, handler);
      return this;
    }

    /** See {@link HandlerRegistry#use(Middleware)}. */
    public Builder use(Middleware middleware) {
      registry.use(middleware);
      return this;
    }

    /**
     * Creates the worker threads. Default: platform threads named {@code fabrik-worker-N}. On Java
     * 21+ pass {@code Thread.ofVirtual().name("job-", 0).factory()} to run jobs on virtual threads.
     */
    public Builder threadFactory(ThreadFactory value) {
      this.threadFactory = Objects.requireNonNull(value, "threadFactory");
      return this;
    }

    /** BEAT period (default 15 s; the server reaps workers silent for 60 s). */
    public Builder heartbeatInterval(Duration value) {
      this.heartbeatInterval = positive(value, "heartbeatInterval");
      return this;
    }

    /** How long stop and "terminate" wait for jobs in flight before FAILing them (default 25 s). */
    public Builder shutdownGrace(Duration value) {
      this.shutdownGrace = Objects.requireNonNull(value, "shutdownGrace");
      return this;
    }

    /** How long an ACK or FAIL is retried across connection errors (default 60 s). */
    public Builder reportRetryFor(Duration value) {
      this.reportRetryFor = Objects.requireNonNull(value, "reportRetryFor");
      return this;
    }

    /** Installs a JVM shutdown hook (SIGTERM, Ctrl-C) that stops the worker gracefully. */
    public Builder shutdownHook(boolean value) {
      this.shutdownHook = value;
      return this;
    }

    /** Pool for {@link JobContext#push}; default: a private pool of 4 connections. */
    public Builder pushPool(ClientPool value) {
      this.pushPool = Objects.requireNonNull(value, "pushPool");
      return this;
    }

    public Builder onStartup(Runnable callback) {
      onStartup.add(Objects.requireNonNull(callback));
      return this;
    }

    /** Called once when fetching stops (local quiet, server quiet, or the start of stopping). */
    public Builder onQuiet(Runnable callback) {
      onQuiet.add(Objects.requireNonNull(callback));
      return this;
    }

    /** Called once after every job settled and connections closed. */
    public Builder onShutdown(Runnable callback) {
      onShutdown.add(Objects.requireNonNull(callback));
      return this;
    }

    /**
     * Adds a listener told when each job starts and how it ends (succeeded, failed and whether it
     * will be retried or die, snoozed) and how long each FETCH took; called in the order added.
     */
    public Builder listener(JobListener value) {
      listeners.add(Objects.requireNonNull(value, "listener"));
      return this;
    }

    /** The handlers registered so far (the {@code InlineRunner} performs jobs through them). */
    public HandlerRegistry handlers() {
      return registry;
    }

    public WorkerManager build() {
      if (built) {
        throw new IllegalStateException("build() may be called once per builder");
      }
      built = true;
      if (threadFactory == null) {
        AtomicInteger n = new AtomicInteger();
        threadFactory = r -> new Thread(r, "fabrik-worker-" + n.incrementAndGet());
      }
      return new WorkerManager(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return d;
    }
  }
}
