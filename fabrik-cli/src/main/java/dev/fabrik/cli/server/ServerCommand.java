package dev.fabrik.cli.server;

import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.config.Binding;
import dev.fabrik.server.config.ConfigException;
import dev.fabrik.server.config.ConfigLoader;
import dev.fabrik.server.config.ConfigOverrides;
import dev.fabrik.server.config.LoadedConfig;
import dev.fabrik.server.lifecycle.FatalErrorHandler;
import dev.fabrik.server.storage.Durability;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fabrik server}: loads the configuration (flags > env > conf.d TOML > defaults), starts the
 * server and runs until SIGTERM/SIGINT, then stops it cleanly (stop accepting, let in-flight
 * commands finish, close storage) and exits 0.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Run the Fabrik job server (Faktory protocol on 7419, web/admin on 7420).")
public final class ServerCommand implements Callable<Integer> {
  /** How long a signal-triggered stop may take before the process exits anyway. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(25);

  @Option(
      names = "--bind",
      paramLabel = "HOST:PORT",
      converter = BindingConverter.class,
      description = "Command listener (default 127.0.0.1:7419; :7419 = all interfaces).")
  Binding bind;

  @Option(
      names = "--web-bind",
      paramLabel = "HOST:PORT",
      converter = BindingConverter.class,
      description = "Web UI and admin API listener (default 127.0.0.1:7420).")
  Binding webBind;

  @Option(names = "--no-web", description = "Do not start the web UI and admin API.")
  boolean noWeb;

  @Option(
      names = "--web-allowed-host",
      paramLabel = "NAME",
      description =
          "A name the web UI may be reached by besides localhost and IP addresses (a proxy's"
              + " public name); repeatable. Other Host headers get 421.")
  List<String> webAllowedHosts;

  @Option(
      names = "--config-dir",
      paramLabel = "DIR",
      description = "Folder with conf.d/*.toml and optional TLS PEMs (default ~/.fabrik).")
  Path configDir;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where SQLite keeps its files (default ~/.fabrik/data, or FABRIK_DATA_DIR).")
  Path dataDir;

  @Option(
      names = "--storage",
      paramLabel = "sqlite|memory|postgres",
      description =
          "sqlite (default, persistent), memory (lost on exit) or postgres (shared by several"
              + " nodes; needs a database URL).")
  String storage;

  // No default value and no echo of the value anywhere: the URL may carry the password.
  @Option(
      names = "--database-url",
      paramLabel = "URL",
      description =
          "PostgreSQL for --storage postgres: postgres://user:pass@host:5432/db (or"
              + " FABRIK_DATABASE_URL, which keeps the password out of ps).")
  String databaseUrl;

  @Option(
      names = "--schema",
      paramLabel = "NAME",
      description = "PostgreSQL schema of this installation (default fabrik).")
  String schema;

  @Option(
      names = "--database-pool-size",
      paramLabel = "N",
      description = "Pooled PostgreSQL connections per node (default 10; plus 1 for LISTEN).")
  Integer databasePoolSize;

  @Option(
      names = "--durability",
      paramLabel = "normal|strict",
      converter = DurabilityConverter.class,
      description = "normal: survives a process crash; strict: also survives power loss.")
  Durability durability;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain (PEM).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PEM).")
  Path tlsKey;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description = "Most client connections at once (default 2000).")
  Integer maxConnections;

  @Option(
      names = "--batch-retention-hours",
      paramLabel = "N",
      description = "How long a completed batch stays visible to BATCH STATUS (default 24).")
  Integer batchRetentionHours;

  @Option(
      names = "--workflow-retention-hours",
      paramLabel = "N",
      description =
          "How long a succeeded workflow job stays nameable in a later push's custom.after"
              + " (default 24).")
  Integer workflowRetentionHours;

  @Option(
      names = "--history-retention",
      paramLabel = "MINUTES,HOURS,DAYS",
      description =
          "How long the job history keeps its minute, hour and day buckets (default 48h,30d,400d).")
  String historyRetention;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      defaultValue = "text",
      description = "Log layout on stderr: text (default) or json (one object per line).")
  LogFormat logFormat;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    logFormat.install(); // before the first logger is created
    PrintWriter err = spec.commandLine().getErr();
    LoadedConfig loaded;
    try {
      loaded = loadConfig(System.getenv(), Path.of(System.getProperty("user.home")));
    } catch (ConfigException e) {
      err.println("fabrik server: " + e.getMessage());
      err.flush();
      return 2;
    }
    Logger log = LoggerFactory.getLogger(ServerCommand.class);
    loaded.files().forEach(f -> log.info("read configuration {}", f));
    loaded.warnings().forEach(log::warn);

    haltOnFatalErrors(log);
    FabrikServer server;
    try {
      server = FabrikServer.start(loaded.config());
    } catch (RuntimeException e) {
      // e.g. the port is taken or the data dir is not writable: one line, not a stack trace
      log.error("fabrik could not start: {}", e.toString());
      log.debug("start failure", e);
      return 1;
    }
    log.info(StartupLine.of(loaded.config(), server.port(), server.webPort()));

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("fabrik stopping");
                  try {
                    server.stop(STOP_TIMEOUT);
                    log.info("fabrik stopped");
                  } finally {
                    stopped.countDown();
                  }
                },
                "fabrik-shutdown"));
    Signals.exitZeroOnTermAndInt();
    CronReload cron =
        new CronReload(server.cron(), configDir(Path.of(System.getProperty("user.home"))));
    cron.run();
    LimitReload limits =
        new LimitReload(server.limits(), configDir(Path.of(System.getProperty("user.home"))));
    limits.run();
    Signals.onHangup(
        () -> {
          cron.run();
          limits.run();
        });
    stopped.await();
    return 0;
  }

  /**
   * A thread that dies of an error the JVM does not recover from (out of memory) halts the process
   * with one clear log line, so a supervisor restarts it: the server's own threads report such
   * errors themselves; this catches those of any other thread.
   */
  private static void haltOnFatalErrors(Logger log) {
    FatalErrorHandler halt = FatalErrorHandler.halt();
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, e) -> {
          if (FatalErrorHandler.isFatal(e)) {
            halt.fatal("thread " + thread.getName(), e);
          } else {
            log.error("uncaught exception on thread {}", thread.getName(), e);
          }
        });
  }

  /** The configuration these flags select, given the environment and home folder. */
  LoadedConfig loadConfig(Map<String, String> env, Path home) {
    if (noWeb && webBind != null) {
      throw new ConfigException("--web-bind and --no-web contradict each other");
    }
    ConfigOverrides flags =
        ConfigOverrides.builder()
            .bind(bind)
            .webBind(webBind)
            .noWeb(noWeb)
            .dataDir(dataDir)
            .storage(storage)
            .databaseUrl(databaseUrl)
            .schema(schema)
            .databasePoolSize(databasePoolSize)
            .durability(durability)
            .tls(tlsCert, tlsKey)
            .maxConnections(maxConnections)
            .batchRetentionHours(batchRetentionHours)
            .workflowRetentionHours(workflowRetentionHours)
            .historyRetention(historyRetention)
            .webAllowedHosts(webAllowedHosts)
            .build();
    return ConfigLoader.withEnvironment(env).load(configDir(home), flags);
  }

  private Path configDir(Path home) {
    return configDir != null ? configDir : home.resolve(".fabrik");
  }
}
