package dev.fabrik.server;

import dev.fabrik.server.auth.LoginThrottle;
import dev.fabrik.server.batch.BatchOutcomes;
import dev.fabrik.server.batch.Batches;
import dev.fabrik.server.bulk.BulkTasks;
import dev.fabrik.server.cluster.ClusterStore;
import dev.fabrik.server.cluster.LostNodes;
import dev.fabrik.server.cluster.NodeRegistry;
import dev.fabrik.server.command.CommandTable;
import dev.fabrik.server.command.InfoReport;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.cron.CronService;
import dev.fabrik.server.events.EventHub;
import dev.fabrik.server.events.EventStreamApi;
import dev.fabrik.server.expiry.ExpiringJobs;
import dev.fabrik.server.fate.FateSweep;
import dev.fabrik.server.fault.CrashPoints;
import dev.fabrik.server.history.History;
import dev.fabrik.server.lifecycle.FatalErrorHandler;
import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.limits.Limits;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.ManagerSettings;
import dev.fabrik.server.metrics.ServerMetrics;
import dev.fabrik.server.net.ConnectionStats;
import dev.fabrik.server.net.Listener;
import dev.fabrik.server.scheduler.PeriodicTasks;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.Stores;
import dev.fabrik.server.tracking.TrackPurge;
import dev.fabrik.server.tracking.Tracker;
import dev.fabrik.server.web.AdminHttp;
import dev.fabrik.server.web.api.BatchesApi;
import dev.fabrik.server.web.api.CronApi;
import dev.fabrik.server.web.api.FailuresApi;
import dev.fabrik.server.web.api.FlushApi;
import dev.fabrik.server.web.api.HistoryApi;
import dev.fabrik.server.web.api.LimitsApi;
import dev.fabrik.server.web.api.NodesApi;
import dev.fabrik.server.web.api.TasksApi;
import dev.fabrik.server.web.api.WorkflowsApi;
import dev.fabrik.server.web.console.Console;
import dev.fabrik.server.web.console.StatsHistory;
import dev.fabrik.server.web.ui.BatchPages;
import dev.fabrik.server.web.ui.CronPages;
import dev.fabrik.server.web.ui.FailurePages;
import dev.fabrik.server.web.ui.LimitsPages;
import dev.fabrik.server.web.ui.StorageSummary;
import dev.fabrik.server.web.ui.WebUi;
import dev.fabrik.server.web.ui.WorkflowPages;
import dev.fabrik.server.workers.WorkerRegistry;
import dev.fabrik.server.workflow.WorkflowView;
import dev.fabrik.server.workflow.Workflows;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle root: one running Fabrik server. Opens the store, then starts the periodic tasks,
 * the stats sampler, the command listener and the admin HTTP endpoint in that order; {@link
 * #stop(Duration)} stops them in reverse and closes the store last.
 *
 * <pre>{@code
 * try (FabrikServer server = FabrikServer.start(ServerConfig.builder().port(0).build())) {
 *   int port = server.port();
 * }
 * }</pre>
 *
 * Like Faktory, it refuses to listen beyond loopback without a password.
 */
public final class FabrikServer implements Service, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FabrikServer.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final ServerConfig config;
  private final Clock clock;
  private final Store store;
  private final WorkerRegistry workers;
  private final Manager manager;
  private final PeriodicTasks tasks;
  private final Tracker tracker;
  private final TrackPurge trackPurge;
  private final History jobHistory;
  private final Batches batches;

  private final Workflows workflows;
  private final CronService cron;
  private final Limits limits;
  private final Listener listener;
  private final StatsHistory history;
  private final AdminHttp http;
  private final EventHub events;
  private final LoginThrottle logins;
  private final NodeRegistry nodes;
  private final List<Service> started = new ArrayList<>();
  private boolean running;
  private boolean stopped;

  /**
   * Builds a server without starting it; nothing is bound until {@link #start()}. An error the JVM
   * does not recover from on a server thread halts the process ({@link FatalErrorHandler#halt()}).
   *
   * @param clock the time every rule uses (tests pass a settable clock)
   * @throws IllegalStateException a non-loopback binding without a password
   */
  public FabrikServer(ServerConfig config, Clock clock) {
    this(config, clock, FatalErrorHandler.halt());
  }

  /**
   * @param fatal told of an error the JVM does not recover from on a server thread (tests record it
   *     rather than halt)
   */
  public FabrikServer(ServerConfig config, Clock clock, FatalErrorHandler fatal) {
    refuseOpenBinding(config);
    this.config = config;
    this.clock = clock;
    this.store = Stores.open(config);
    ClusterStore cluster = store.cluster();
    this.workers = new WorkerRegistry(clock, cluster.workers());
    this.manager =
        new Manager(
            store,
            workers,
            clock,
            new ManagerSettings(
                config.fetchWait(), config.deadTtl(), config.deadMaxSize(), config.maxJobBytes()));
    this.tasks =
        new PeriodicTasks(
            manager.maintenance(), PeriodicTasks.Settings.defaults(config.workerTtl()));
    this.cron = new CronService(store.cron(), manager::prepareForEnqueue, clock);
    ConnectionStats stats = new ConnectionStats();
    this.nodes =
        new NodeRegistry(
            cluster.nodes(),
            clock,
            CrashPoints.nodeSettings(),
            localHostname(),
            InfoReport.FABRIK_VERSION,
            this::bindings,
            stats::connections);
    ServerMetrics metrics = new ServerMetrics(manager, store, workers, stats);
    metrics.nodes(nodes::nodes);
    manager.onOutcome(metrics.jobOutcomes());
    manager.use(new ExpiringJobs(clock, metrics.expiredJobs()));
    store.onCommit(metrics.commits());
    this.tracker = new Tracker(store.tracking(), store::extendReservation, clock);
    manager.onOutcome(tracker);
    this.jobHistory = new History(store.history(), clock, config.history());
    manager.onOutcome(jobHistory.recorder());
    this.limits = new Limits(store, manager, clock);
    limits.registerMetrics(metrics.registry());

    this.events = new EventHub(clock, EventHub.Settings.defaults());
    manager.onOutcome(events);
    this.trackPurge = new TrackPurge(tracker, Duration.ofMinutes(1));
    this.batches =
        new Batches(
            store.batches(),
            manager::prepareForEnqueue,
            clock,
            config.batchRetention(),
            CrashPoints.recoveryEvery(),
            // Other nodes may be between a member's row and its job's insert: leave them time.
            config.storage().equals("postgres") ? CrashPoints.recoveryGrace() : Duration.ZERO,
            lostNodes());
    metrics.batches(store.batches()::counts, batches::callbacksPushed);
    BatchOutcomes batchOutcomes = new BatchOutcomes(batches);
    manager.use(batchOutcomes);
    manager.onOutcome(batchOutcomes);
    manager.onFlush(batches::flushed);

    this.workflows =
        new Workflows(
            store.workflows(),
            clock,
            config.workflowRetention(),
            config.deadTtl(),
            metrics.workflows(store.workflows()),
            new FateSweep(store.fates(), clock),
            lostNodes());
    manager.use(workflows);
    manager.onOutcome(workflows);
    manager.route(workflows);
    InfoReport info =
        new InfoReport(
            manager,
            workers,
            clock,
            stats::connections,
            stats::commandCount,
            this::commandPortProblem,
            nodes::nodes);
    this.listener =
        new Listener(
            config,
            CommandTable.standard(manager, workers, info, tracker, batches),
            workers,
            clock,
            stats,
            metrics.commands(),
            fatal);
    // Real time, not the injected clock: it paces attackers, it does not schedule jobs.
    this.logins =
        new LoginThrottle(
            Clock.systemUTC(), LoginThrottle.Settings.defaults(), metrics.authFailures());
    listener.loginThrottle(logins);
    this.history = StatsHistory.standard(clock, store::counters);
    Console console = new Console(store, manager, workers, clock, stats::connections, history);
    this.http = new AdminHttp(config, info, console, metrics, logins);
    new WebUi(console, clock, nodes::nodes, StorageSummary.of(config), jobHistory)
        .register(http.routes());
    new CronApi(cron).register(http.routes());
    new LimitsApi(limits).register(http.routes());
    new CronPages(cron, clock).register(http.routes());
    WorkflowView workflowView = new WorkflowView(store.workflows());
    new WorkflowsApi(workflowView).register(http.routes());
    new WorkflowPages(workflowView).register(http.routes());

    new LimitsPages(limits).register(http.routes());
    new FailuresApi(store.failures()).register(http.routes());
    new FailurePages(store.failures(), clock).register(http.routes());
    new NodesApi(nodes::nodes).register(http.routes());
    new BatchesApi(store.batches()).register(http.routes());
    new BatchPages(store.batches()).register(http.routes());

    new TasksApi(
            new BulkTasks(
                store,
                manager,
                clock,
                command -> Thread.ofVirtual().name("bulk-task").start(command),
                BulkTasks.Settings.defaults()))
        .register(http.routes());
    new FlushApi(manager).register(http.routes());
    new HistoryApi(jobHistory).register(http.routes());
    new EventStreamApi(events, EventStreamApi.Settings.defaults()).register(http.routes());
  }

  /** Where this node listens, for the node table (read once the ports are bound). */
  private List<String> bindings() {
    List<String> out = new ArrayList<>();
    out.add("tcp://" + config.bindHost() + ":" + port());
    if (webPort() >= 0) {
      out.add("http://" + config.webBindHost() + ":" + webPort());
    }
    return out;
  }

  /**
   * A batch or workflow recovery pass runs for a while after another node sharing the store went
   * silent: long enough to outlast the pass's grace (it judges only rows older than that) by two
   * periods.
   */
  private LostNodes lostNodes() {
    Duration window = CrashPoints.recoveryGrace().plus(CrashPoints.recoveryEvery().multipliedBy(2));
    return new LostNodes(nodes::nodes, window);
  }

  private static String localHostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** Builds and starts a server on the system clock. */
  public static FabrikServer start(ServerConfig config) {
    FabrikServer server = new FabrikServer(config, Clock.systemUTC());
    server.start();
    return server;
  }

  /** Starts every part in order; if one fails, the ones already started are stopped again. */
  @Override
  public synchronized void start() {
    if (running || stopped) {
      return;
    }
    running = true;
    try {
      // The throttle last, so it stops first: a delayed wrong password must not hold up shutdown.
      // The node registers once its ports are bound, and leaves the node table first at stop.
      // The store's own services start first and stop last, just before the store closes.
      List<Service> services = new ArrayList<>(store.services());
      services.addAll(
          List.of(
              tasks,
              trackPurge,
              batches,
              workflows,
              cron,
              limits,
              jobHistory,
              history,
              listener,
              http,
              nodes,
              logins));
      for (Service s : services) {
        s.start();
        started.add(s);
      }
    } catch (RuntimeException e) {
      stop(CLOSE_TIMEOUT);
      throw e;
    }
    log.info("Fabrik {} ready on port {}", InfoReport.FABRIK_VERSION, port());
  }

  /** Stops in reverse order, then closes the store. Idempotent; a stopped server cannot restart. */
  @Override
  public void stop(Duration timeout) {
    List<Service> toStop;
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      toStop = new ArrayList<>(started);
    }
    events.closeAll(); // open event streams end now, not at their next heartbeat
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Service s : toStop.reversed()) {
      try {
        s.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      } catch (RuntimeException e) {
        log.error("stopping {} failed", s.getClass().getSimpleName(), e);
      }
    }
    store.close();
  }

  @Override
  public void close() {
    stop(CLOSE_TIMEOUT);
  }

  /** The command port actually bound (useful with port 0). */
  public int port() {
    return listener.port();
  }

  /** The admin HTTP port, or -1 when HTTP is disabled. */
  public int webPort() {
    return http.port();
  }

  public ServerConfig config() {
    return config;
  }

  public Clock clock() {
    return clock;
  }

  public Manager manager() {
    return manager;
  }

  /** The cron entries: {@link CronService#configure} loads conf.d's (at start and on SIGHUP). */
  public CronService cron() {
    return cron;
  }

  /** Concurrency and rate limits: {@link Limits#configure} loads conf.d's (at start, on SIGHUP). */
  public Limits limits() {
    return limits;
  }

  public WorkerRegistry workers() {
    return workers;
  }

  /** This node and the others sharing its store. */
  public NodeRegistry nodes() {
    return nodes;
  }

  /** Jobs that wait for others ({@code custom.after}). */
  public Workflows workflows() {
    return workflows;
  }

  /** Job tracking: {@code TRACK} and the states of jobs pushed with {@code custom.track}. */
  public Tracker tracker() {
    return tracker;
  }

  /** Batches: {@code BATCH} and the members of jobs pushed with {@code custom.bid}. */
  public Batches batches() {
    return batches;
  }

  /** The job history per type and minute, hour and day (docs/history.md). */
  public History jobHistory() {
    return jobHistory;
  }

  /** Handshaken connections right now (INFO {@code connections}). */
  public int connections() {
    return listener.connections();
  }

  /** Commands dispatched since start (INFO {@code command_count}). */
  public long commandCount() {
    return listener.commandCount();
  }

  /** Every accepted socket still open, including those still in the handshake. */
  public int openSockets() {
    return listener.openSockets();
  }

  /** Connections open on the admin HTTP port (at most {@code [web] max_connections}). */
  public int webConnections() {
    return http.openConnections();
  }

  /** Why the command port cannot serve, or null when it can ({@code /health}). */
  public String commandPortProblem() {
    return listener.problem();
  }

  /** Faktory refuses this too: an open port without a password hands out every job. */
  private static void refuseOpenBinding(ServerConfig config) {
    if (config.hasPassword()) {
      return;
    }
    requireLoopback(config.bindHost(), "command");
    if (config.webPort() >= 0) {
      requireLoopback(config.webBindHost(), "web");
    }
  }

  private static void requireLoopback(String host, String what) {
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new IllegalStateException(
          "refusing to bind the "
              + what
              + " port to "
              + host
              + " without a password; set one (FAKTORY_PASSWORD) or bind to 127.0.0.1");
    }
  }
}
