package dev.fabrik.server.config;

import dev.fabrik.server.history.HistoryRetention;
import dev.fabrik.server.storage.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a server needs to start, frozen: build one with {@link #builder()}. Defaults match
 * Faktory's where it has one (port 7419, loopback only, 2000 connections, dead jobs kept 180 days).
 *
 * @param bindHost address to listen on; anything but loopback requires a password
 * @param port command port; 0 picks a free one (tests)
 * @param webBindHost address of the HTTP admin/UI listener
 * @param webPort HTTP port; 0 picks a free one, -1 disables HTTP
 * @param password null or empty for none
 * @param storage {@code sqlite} (default), {@code memory} or {@code postgres}
 * @param dataDir directory of the SQLite database
 * @param database the PostgreSQL database; required for {@code postgres}, null otherwise
 * @param durability what an answered write survives
 * @param tls certificate and key, or null for plain TCP
 * @param maxConnections handshaken connections beyond this are told so and closed
 * @param maxLineBytes longest command line accepted; longer lines get {@code -ERR}
 * @param maxJobBytes largest single job payload accepted by PUSH/PUSHB
 * @param maxBufferedBytes most bytes all connections together hold in unfinished lines and unsent
 *     replies; 0 for a quarter of the heap
 * @param deadTtl how long a dead job is kept
 * @param deadMaxSize most dead jobs kept; the oldest are dropped beyond it
 * @param workerTtl a worker not heard from for this long is forgotten and its sockets closed
 * @param fetchWait how long FETCH blocks when every queue is empty
 * @param handshakeTimeout time a new connection has to send HELLO
 * @param web the admin HTTP port's timeouts, connection cap and Host allowlist
 * @param batchRetention how long a completed batch stays visible to {@code BATCH STATUS}
 * @param history how long the job history keeps its minute, hour and day buckets
 * @param workflowRetention how long a succeeded workflow job stays nameable in a later push's
 *     {@code custom.after}
 */
public record ServerConfig(
    String bindHost,
    int port,
    String webBindHost,
    int webPort,
    String password,
    String storage,
    Path dataDir,
    DatabaseConfig database,
    Durability durability,
    TlsConfig tls,
    int maxConnections,
    int maxLineBytes,
    int maxJobBytes,
    long maxBufferedBytes,
    Duration deadTtl,
    long deadMaxSize,
    Duration workerTtl,
    Duration fetchWait,
    Duration handshakeTimeout,
    WebLimits web,
    Duration batchRetention,
    HistoryRetention history,
    Duration workflowRetention) {

  public static final int DEFAULT_PORT = 7419;
  public static final int DEFAULT_WEB_PORT = 7420;

  /** The storage names {@code --storage} accepts. */
  public static final List<String> STORAGES = List.of("sqlite", "memory", "postgres");

  public ServerConfig {
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(web, "web");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(workflowRetention, "workflowRetention");
    if (!STORAGES.contains(storage)) {
      throw new IllegalArgumentException("storage must be one of " + STORAGES + ", not " + storage);
    }
    if (storage.equals("sqlite")) {
      Objects.requireNonNull(dataDir, "dataDir");
    }
    if (storage.equals("postgres") != (database != null)) {
      throw new IllegalArgumentException(
          "a database is configured exactly when storage is postgres (storage " + storage + ")");
    }
    if (maxBufferedBytes < 0) {
      throw new IllegalArgumentException("maxBufferedBytes must not be negative");
    }
  }

  /** Like the record's, but the password and the database password are never shown. */
  @Override
  public String toString() {
    return "ServerConfig[bind="
        + bindHost
        + ":"
        + port
        + ", web="
        + webBindHost
        + ":"
        + webPort
        + ", password="
        + (hasPassword() ? "***" : "none")
        + ", storage="
        + storage
        + (storage.equals("sqlite") ? ", dataDir=" + dataDir : "")
        + (database != null ? ", database=" + database : "")
        + ", durability="
        + durability
        + ", tls="
        + (tls != null)
        + ", maxConnections="
        + maxConnections
        + "]";
  }

  public boolean hasPassword() {
    return password != null && !password.isEmpty();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.bindHost = bindHost;
    b.port = port;
    b.webBindHost = webBindHost;
    b.webPort = webPort;
    b.password = password;
    b.storage = storage;
    b.dataDir = dataDir;
    b.database = database;
    b.durability = durability;
    b.tls = tls;
    b.maxConnections = maxConnections;
    b.maxLineBytes = maxLineBytes;
    b.maxJobBytes = maxJobBytes;
    b.maxBufferedBytes = maxBufferedBytes;
    b.deadTtl = deadTtl;
    b.deadMaxSize = deadMaxSize;
    b.workerTtl = workerTtl;
    b.fetchWait = fetchWait;
    b.handshakeTimeout = handshakeTimeout;
    b.web = web;
    b.batchRetention = batchRetention;
    b.history = history;
    b.workflowRetention = workflowRetention;
    return b;
  }

  /** Certificate chain and private key, both PEM. */
  public record TlsConfig(Path certificatePem, Path privateKeyPem) {}

  public static final class Builder {
    private String bindHost = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private String webBindHost = "127.0.0.1";
    private int webPort = DEFAULT_WEB_PORT;
    private String password;
    private String storage = "sqlite";
    private Path dataDir = Path.of(System.getProperty("user.home"), ".fabrik", "data");
    private DatabaseConfig database;
    private Durability durability = Durability.PROCESS_CRASH;
    private TlsConfig tls;
    private int maxConnections = 2000;
    private int maxLineBytes = 16 * 1024 * 1024;
    private int maxJobBytes = 8 * 1024 * 1024;
    private long maxBufferedBytes;
    private Duration deadTtl = Duration.ofDays(180);
    private Duration batchRetention = Duration.ofHours(24);
    private HistoryRetention history = HistoryRetention.defaults();
    private Duration workflowRetention = Duration.ofHours(24);
    private long deadMaxSize = 1_000_000;
    private Duration workerTtl = Duration.ofSeconds(60);
    private Duration fetchWait = Duration.ofSeconds(2);
    private Duration handshakeTimeout = Duration.ofSeconds(2);
    private WebLimits web = WebLimits.defaults();

    private Builder() {}

    public Builder bindHost(String v) {
      bindHost = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder webBindHost(String v) {
      webBindHost = v;
      return this;
    }

    public Builder webPort(int v) {
      webPort = v;
      return this;
    }

    public Builder password(String v) {
      password = v;
      return this;
    }

    public Builder storage(String v) {
      storage = v;
      return this;
    }

    public Builder dataDir(Path v) {
      dataDir = v;
      return this;
    }

    public Builder database(DatabaseConfig v) {
      database = v;
      return this;
    }

    public Builder durability(Durability v) {
      durability = v;
      return this;
    }

    public Builder tls(TlsConfig v) {
      tls = v;
      return this;
    }

    public Builder maxConnections(int v) {
      maxConnections = v;
      return this;
    }

    public Builder maxLineBytes(int v) {
      maxLineBytes = v;
      return this;
    }

    public Builder maxJobBytes(int v) {
      maxJobBytes = v;
      return this;
    }

    public Builder maxBufferedBytes(long v) {
      maxBufferedBytes = v;
      return this;
    }

    /** How long a completed batch is kept ({@code [batches] retention_hours}). */
    public Builder batchRetention(Duration v) {
      batchRetention = v;
      return this;
    }

    /** How long the job history is kept ({@code [history] minutes/hours/days}). */
    public Builder history(HistoryRetention v) {
      history = v;
      return this;
    }

    /** How long a succeeded workflow job stays nameable ({@code [workflows] retention_hours}). */
    public Builder workflowRetention(Duration v) {
      workflowRetention = v;
      return this;
    }

    public Builder deadTtl(Duration v) {
      deadTtl = v;
      return this;
    }

    public Builder deadMaxSize(long v) {
      deadMaxSize = v;
      return this;
    }

    public Builder workerTtl(Duration v) {
      workerTtl = v;
      return this;
    }

    public Builder fetchWait(Duration v) {
      fetchWait = v;
      return this;
    }

    public Builder handshakeTimeout(Duration v) {
      handshakeTimeout = v;
      return this;
    }

    public Builder web(WebLimits v) {
      web = v;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(
          bindHost,
          port,
          webBindHost,
          webPort,
          password,
          storage,
          dataDir,
          database,
          durability,
          tls,
          maxConnections,
          maxLineBytes,
          maxJobBytes,
          maxBufferedBytes,
          deadTtl,
          deadMaxSize,
          workerTtl,
          fetchWait,
          handshakeTimeout,
          web,
          batchRetention,
          history,
          workflowRetention);
    }
  }
}
