package dev.fabrik.server.config;

import dev.fabrik.server.config.ConfFiles.Value;
import dev.fabrik.server.history.HistoryRetention;
import dev.fabrik.server.storage.postgres.PgDatabase;
import dev.fabrik.server.storage.postgres.PgUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a {@link ServerConfig} the way Faktory operators expect. Precedence: command-line flags,
 * then environment, then {@code <configdir>/conf.d/*.toml}, then defaults.
 *
 * <p>Environment variables (passed in, never read from the process here, so tests stay pure):
 *
 * <ul>
 *   <li>{@code FAKTORY_PASSWORD}: the password; a value starting with {@code /} names a file whose
 *       trimmed content is the password (Docker secrets). The same rule applies to the TOML key.
 *   <li>{@code FAKTORY_ENV}: {@code development} (default); any other value (staging, production)
 *       refuses to boot without a password unless {@code FAKTORY_SKIP_PASSWORD} is 1/true/yes, and
 *       also reads the password from {@code <configdir>/password} when nothing else sets one.
 *   <li>{@code FABRIK_DATA_DIR}: where the SQLite database lives.
 *   <li>{@code FABRIK_DATABASE_URL}: the PostgreSQL URL for {@code storage = postgres} (the
 *       environment keeps the password out of {@code ps} output, unlike {@code --database-url}).
 * </ul>
 *
 * <p>TLS: {@code --tls-cert/--tls-key}, else {@code [tls] cert/key}, else Faktory's convention of
 * {@code private.key.pem} and {@code public.cert.pem} in the config dir.
 *
 * <p>Safety: listening on a non-loopback address without a password is refused, whatever
 * FAKTORY_SKIP_PASSWORD says (that only lifts the production/staging password requirement).
 */
public final class ConfigLoader {
  private static final Set<String> YES = Set.of("1", "true", "yes");

  private final Map<String, String> env;

  private ConfigLoader(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** A loader that sees these environment variables (usually {@code System.getenv()}). */
  public static ConfigLoader withEnvironment(Map<String, String> env) {
    return new ConfigLoader(Objects.requireNonNull(env, "env"));
  }

  /**
   * Loads the configuration.
   *
   * @param configDir the Faktory-style config dir (with {@code conf.d/}); null for none
   * @param flags what the command line said
   * @throws ConfigException with an operator-readable message when the result is unusable
   */
  public LoadedConfig load(Path configDir, ConfigOverrides flags) {
    ConfFiles.Settings toml =
        configDir == null ? ConfFiles.Settings.empty() : ConfFiles.read(configDir);
    List<String> warnings = new ArrayList<>(toml.warnings());
    ServerConfig.Builder b = ServerConfig.builder();

    Binding bind = flags.bind();
    if (bind == null && toml.get("server.binding") != null) {
      Value v = toml.get("server.binding");
      bind = Binding.parse(v.string(), v.source());
    }
    if (bind != null) {
      b.bindHost(bind.host()).port(bind.port());
    }

    if (flags.noWeb()) {
      b.webPort(-1);
    } else if (flags.webBind() != null) {
      b.webBindHost(flags.webBind().host()).webPort(flags.webBind().port());
    } else if (toml.get("web.binding") != null) {
      Value v = toml.get("web.binding");
      Binding web = Binding.parse(v.string(), v.source());
      // Faktory: a web binding of ":0" turns the UI off (on the command line, 0 = any free port).
      b.webBindHost(web.host()).webPort(web.port() == 0 ? -1 : web.port());
    }

    String password = password(configDir, toml);
    b.password(password);

    String storage = "sqlite";
    if (flags.storage() != null) {
      storage = storage(flags.storage(), "--storage");
    } else if (toml.get("server.storage") != null) {
      Value v = toml.get("server.storage");
      storage = storage(v.string(), v.source());
    }
    b.storage(storage).database(database(flags, toml, storage));

    if (flags.dataDir() != null) {
      b.dataDir(flags.dataDir());
    } else if (nonEmpty(env.get("FABRIK_DATA_DIR"))) {
      b.dataDir(Path.of(env.get("FABRIK_DATA_DIR")));
    } else if (toml.get("server.data_dir") != null) {
      b.dataDir(configDir.resolve(toml.get("server.data_dir").string()));
    }

    if (flags.durability() != null) {
      b.durability(flags.durability());
    } else if (toml.get("server.durability") != null) {
      Value v = toml.get("server.durability");
      b.durability(DurabilityNames.parse(v.string(), v.source()));
    }

    b.tls(tls(configDir, flags, toml));

    if (flags.maxConnections() != null) {
      b.maxConnections(positive(flags.maxConnections(), "--max-connections"));
    } else if (toml.get("server.max_connections") != null) {
      b.maxConnections(positiveInt(toml.get("server.max_connections")));
    }
    if (toml.get("server.max_line_bytes") != null) {
      b.maxLineBytes(positiveInt(toml.get("server.max_line_bytes")));
    }
    if (toml.get("server.max_job_bytes") != null) {
      b.maxJobBytes(positiveInt(toml.get("server.max_job_bytes")));
    }
    if (toml.get("server.max_buffered_bytes") != null) {
      Value v = toml.get("server.max_buffered_bytes");
      if (v.integer() < 1) {
        throw new ConfigException(v.source() + " must be at least 1, not " + v.integer());
      }
      b.maxBufferedBytes(v.integer());
    }
    if (toml.get("server.dead_ttl_days") != null) {
      b.deadTtl(Duration.ofDays(positiveInt(toml.get("server.dead_ttl_days"))));
    }
    if (toml.get("server.dead_max_size") != null) {
      Value v = toml.get("server.dead_max_size");
      if (v.integer() < 1) {
        throw new ConfigException(v.source() + " must be at least 1, not " + v.integer());
      }
      b.deadMaxSize(v.integer());
    }

    if (flags.batchRetentionHours() != null) {
      b.batchRetention(
          Duration.ofHours(positive(flags.batchRetentionHours(), "--batch-retention-hours")));
    } else if (toml.get("batches.retention_hours") != null) {
      b.batchRetention(Duration.ofHours(positiveInt(toml.get("batches.retention_hours"))));
    }
    if (flags.workflowRetentionHours() != null) {
      b.workflowRetention(
          Duration.ofHours(positive(flags.workflowRetentionHours(), "--workflow-retention-hours")));
    } else if (toml.get("workflows.retention_hours") != null) {
      b.workflowRetention(Duration.ofHours(positiveInt(toml.get("workflows.retention_hours"))));
    }

    b.history(history(flags, toml));
    b.web(webLimits(flags, toml));

    ServerConfig config = b.build();
    String environment = environment();
    boolean skipPassword = YES.contains(lower(env.get("FAKTORY_SKIP_PASSWORD")));
    if (!config.hasPassword()) {
      if (!environment.equals("development") && !skipPassword) {
        throw new ConfigException(
            "FAKTORY_ENV="
                + environment
                + " requires a password: set FAKTORY_PASSWORD or"
                + " [fabrik] password in conf.d, or FAKTORY_SKIP_PASSWORD=true to run without one");
      }
      checkLoopback(new Binding(config.bindHost(), config.port()), "command");
      if (config.webPort() >= 0) {
        checkLoopback(new Binding(config.webBindHost(), config.webPort()), "web");
      }
    }
    return new LoadedConfig(config, environment, toml.files(), List.copyOf(warnings));
  }

  /** {@code --history-retention 48h,30d,400d}, else {@code [history] minutes/hours/days}. */
  private static HistoryRetention history(ConfigOverrides flags, ConfFiles.Settings toml) {
    if (flags.historyRetention() != null) {
      try {
        return HistoryRetention.parse(flags.historyRetention());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--history-retention: " + e.getMessage());
      }
    }
    HistoryRetention d = HistoryRetention.defaults();
    return new HistoryRetention(
        length(toml.get("history.minutes"), d.minutes()),
        length(toml.get("history.hours"), d.hours()),
        length(toml.get("history.days"), d.days()));
  }

  private static Duration length(Value v, Duration fallback) {
    if (v == null) {
      return fallback;
    }
    try {
      return HistoryRetention.parseLength(v.string());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(v.source() + ": " + e.getMessage());
    }
  }

  /** {@code [web]} limits; {@code --web-allowed-host} names add to {@code allowed_hosts}. */
  private static WebLimits webLimits(ConfigOverrides flags, ConfFiles.Settings toml) {
    WebLimits web = WebLimits.defaults();
    List<String> hosts = new ArrayList<>();
    if (toml.get("web.allowed_hosts") != null) {
      hosts.addAll(toml.get("web.allowed_hosts").strings());
    }
    hosts.addAll(flags.webAllowedHosts());
    web = web.withAllowedHosts(hosts);
    if (toml.get("web.max_connections") != null) {
      web = web.withMaxConnections(positiveInt(toml.get("web.max_connections")));
    }
    if (toml.get("web.header_timeout_seconds") != null) {
      web = web.withHeaderTimeout(seconds(toml.get("web.header_timeout_seconds")));
    }
    if (toml.get("web.body_timeout_seconds") != null) {
      web = web.withBodyTimeout(seconds(toml.get("web.body_timeout_seconds")));
    }
    if (toml.get("web.idle_timeout_seconds") != null) {
      web = web.withIdleTimeout(seconds(toml.get("web.idle_timeout_seconds")));
    }
    return web;
  }

  private static Duration seconds(Value v) {
    return Duration.ofSeconds(positiveInt(v));
  }

  private String environment() {
    String e = lower(env.get("FAKTORY_ENV"));
    return e.isEmpty() ? "development" : e;
  }

  /**
   * FAKTORY_PASSWORD (even empty: set means set), else [fabrik] password, else outside development
   * the file {@code <configdir>/password} (Faktory reads {@code /etc/faktory/password}, its
   * production config dir); "/x" reads file x.
   */
  private String password(Path configDir, ConfFiles.Settings toml) {
    String value;
    String source;
    if (env.containsKey("FAKTORY_PASSWORD")) {
      value = env.get("FAKTORY_PASSWORD");
      source = "FAKTORY_PASSWORD";
    } else if (toml.get("server.password") != null) {
      value = toml.get("server.password").string();
      source = toml.get("server.password").source();
    } else if (configDir != null
        && !environment().equals("development")
        && Files.isRegularFile(configDir.resolve("password"))) {
      value = configDir.resolve("password").toAbsolutePath().toString();
      source = "the config dir";
    } else {
      return null;
    }
    if (value.startsWith("/")) {
      try {
        return Files.readString(Path.of(value)).trim();
      } catch (IOException e) {
        throw new ConfigException(
            "cannot read the password file " + value + " named by " + source + ": " + e, e);
      }
    }
    return value;
  }

  private static ServerConfig.TlsConfig tls(
      Path configDir, ConfigOverrides flags, ConfFiles.Settings toml) {
    if (flags.tlsCert() != null || flags.tlsKey() != null) {
      if (flags.tlsCert() == null || flags.tlsKey() == null) {
        throw new ConfigException("--tls-cert and --tls-key must be given together");
      }
      return readableTls(flags.tlsCert(), flags.tlsKey(), "--tls-cert/--tls-key");
    }
    Value cert = toml.get("tls.cert");
    Value key = toml.get("tls.key");
    if (cert != null || key != null) {
      if (cert == null || key == null) {
        throw new ConfigException(
            (cert != null ? cert : key).source() + ": [tls] needs both cert and key");
      }
      return readableTls(
          configDir.resolve(cert.string()), configDir.resolve(key.string()), "[tls] cert/key");
    }
    if (configDir != null) {
      Path conventionKey = configDir.resolve("private.key.pem");
      Path conventionCert = configDir.resolve("public.cert.pem");
      if (Files.exists(conventionKey) && Files.exists(conventionCert)) {
        return readableTls(conventionCert, conventionKey, "TLS files in " + configDir);
      }
    }
    return null;
  }

  private static ServerConfig.TlsConfig readableTls(Path cert, Path key, String source) {
    for (Path p : List.of(cert, key)) {
      if (!Files.isReadable(p)) {
        throw new ConfigException(source + ": cannot read " + p);
      }
    }
    return new ServerConfig.TlsConfig(cert, key);
  }

  /** FAKTORY_SKIP_PASSWORD does not lift this: an open port without a password hands out jobs. */
  private static void checkLoopback(Binding binding, String listener) {
    if (binding.isLoopback()) {
      return;
    }
    throw new ConfigException(
        "refusing to listen on "
            + binding
            + " ("
            + listener
            + ") without a password: anyone who"
            + " can reach it could run jobs. Set FAKTORY_PASSWORD (or [fabrik] password in"
            + " conf.d), or bind to 127.0.0.1");
  }

  private static String storage(String value, String source) {
    if (!ServerConfig.STORAGES.contains(value)) {
      throw new ConfigException(
          source + " must be sqlite, memory or postgres, not \"" + value + "\"");
    }
    return value;
  }

  /** {@code [postgres] ack_commit}: "async" (default) or "sync". */
  private static boolean durableAcks(ConfFiles.Settings toml) {
    Value v = toml.get("postgres.ack_commit");
    if (v == null) {
      return false;
    }
    return switch (v.string()) {
      case "async" -> false;
      case "sync" -> true;
      default ->
          throw new ConfigException(
              v.source() + " must be \"async\" or \"sync\", not \"" + v.string() + "\"");
    };
  }

  /**
   * The PostgreSQL settings when {@code storage} is postgres, else null. The URL comes from {@code
   * --database-url}, else {@code FABRIK_DATABASE_URL}, else {@code [fabrik] database_url}. A URL
   * given by flag or TOML for another storage is a mistake worth stopping for; one in the
   * environment is not (the application's own environment may carry it for other tools). Messages
   * name where a bad value came from but never quote the URL: it may hold a password.
   */
  private DatabaseConfig database(ConfigOverrides flags, ConfFiles.Settings toml, String storage) {
    Value tomlUrl = toml.get("server.database_url");
    if (!storage.equals("postgres")) {
      if (flags.databaseUrl() != null) {
        throw new ConfigException(
            "--database-url needs --storage postgres (storage is " + storage + ")");
      }
      if (tomlUrl != null) {
        throw new ConfigException(
            tomlUrl.source() + " needs storage = \"postgres\" (storage is " + storage + ")");
      }
      return null;
    }
    String url;
    String source;
    if (flags.databaseUrl() != null) {
      url = flags.databaseUrl();
      source = "--database-url";
    } else if (nonEmpty(env.get("FABRIK_DATABASE_URL"))) {
      url = env.get("FABRIK_DATABASE_URL");
      source = "FABRIK_DATABASE_URL";
    } else if (tomlUrl != null) {
      url = tomlUrl.string();
      source = tomlUrl.source();
    } else {
      throw new ConfigException(
          "storage postgres needs a database URL: --database-url, FABRIK_DATABASE_URL or"
              + " [fabrik] database_url, e.g. postgres://fabrik:secret@db.internal:5432/app");
    }
    PgUrl parsed;
    try {
      parsed = PgUrl.parse(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }

    String schema = PgDatabase.DEFAULT_SCHEMA;
    String schemaSource = "the default schema";
    if (flags.schema() != null) {
      schema = flags.schema();
      schemaSource = "--schema";
    } else if (toml.get("server.schema") != null) {
      schema = toml.get("server.schema").string();
      schemaSource = toml.get("server.schema").source();
    }
    try {
      PgDatabase.checkSchema(schema);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(schemaSource + ": " + e.getMessage(), e);
    }

    int poolSize = DatabaseConfig.DEFAULT_POOL_SIZE;
    if (flags.databasePoolSize() != null) {
      poolSize = positive(flags.databasePoolSize(), "--database-pool-size");
    } else if (toml.get("server.database_pool_size") != null) {
      poolSize = positiveInt(toml.get("server.database_pool_size"));
    }
    return new DatabaseConfig(parsed, schema, poolSize, durableAcks(toml));
  }

  private static int positiveInt(Value v) {
    long n = v.integer();
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new ConfigException(
          v.source() + " must be between 1 and " + Integer.MAX_VALUE + ", not " + n);
    }
    return (int) n;
  }

  private static int positive(int n, String source) {
    if (n < 1) {
      throw new ConfigException(source + " must be at least 1, not " + n);
    }
    return n;
  }

  private static boolean nonEmpty(String s) {
    return s != null && !s.isEmpty();
  }

  private static String lower(String s) {
    return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
  }
}
