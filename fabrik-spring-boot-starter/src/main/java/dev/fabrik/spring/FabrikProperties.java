package dev.fabrik.spring;

import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.worker.Queues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code fabrik.*} settings of a Spring Boot application.
 *
 * <pre>
 * fabrik.url=tcp://:secret@jobs.internal:7419
 * fabrik.worker.concurrency=10
 * fabrik.worker.weights.critical=3
 * fabrik.worker.weights.default=1
 * fabrik.worker.shutdown-grace=30s
 * </pre>
 */
@ConfigurationProperties("fabrik")
public class FabrikProperties {
  /** Whether Fabrik is auto-configured at all (client pool and worker). */
  private boolean enabled = true;

  /**
   * Server URL, tcp://[:password@]host[:port] or tcp+tls://...; when unset, the Faktory environment
   * conventions apply (FAKTORY_PROVIDER, FAKTORY_URL), then tcp://localhost:7419.
   */
  private String url;

  /** Server password; overrides one given in the URL. */
  private String password;

  /** Bound on opening a TCP connection. */
  private Duration connectTimeout = Duration.ofSeconds(5);

  /** Bound on each reply; must exceed the server's 2 s FETCH wait. */
  private Duration readTimeout = Duration.ofSeconds(15);

  private final Pool pool = new Pool();
  private final Worker worker = new Worker();

  /** The client configuration these settings describe; {@code env} is the process environment. */
  public ClientConfig toClientConfig(Map<String, String> env) {
    ClientConfig.Builder b = ClientConfig.builder();
    if (url != null && !url.isBlank()) {
      b.url(url);
    } else {
      b.environment(env);
    }
    if (password != null && !password.isEmpty()) {
      b.password(password);
    }
    return b.connectTimeout(connectTimeout).readTimeout(readTimeout).build();
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getPassword() {
    return password;
  }

  public void setPassword(String password) {
    this.password = password;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public Duration getReadTimeout() {
    return readTimeout;
  }

  public void setReadTimeout(Duration readTimeout) {
    this.readTimeout = readTimeout;
  }

  public Pool getPool() {
    return pool;
  }

  public Worker getWorker() {
    return worker;
  }

  /** The connection pool producers (and JobContext.push) borrow from. */
  public static class Pool {
    /** Most connections open at once. */
    private int size = 10;

    /** How long a borrower waits for a free connection before failing. */
    private Duration borrowTimeout = Duration.ofSeconds(5);

    public int getSize() {
      return size;
    }

    public void setSize(int size) {
      this.size = size;
    }

    public Duration getBorrowTimeout() {
      return borrowTimeout;
    }

    public void setBorrowTimeout(Duration borrowTimeout) {
      this.borrowTimeout = borrowTimeout;
    }
  }

  /** The worker that fetches and performs jobs with the application's handlers. */
  public static class Worker {
    /** Whether this application works jobs; false for producer-only applications. */
    private boolean enabled = true;

    /** Queues fetched in strict priority order (ignored when weights are set). */
    private List<String> queues = new ArrayList<>(List.of("default"));

    /**
     * Queue name to weight: each fetch draws a fresh queue order, each queue first in proportion to
     * its weight. Replaces the strict order of {@code queues}.
     */
    private Map<String, Integer> weights = new LinkedHashMap<>();

    /**
     * Whether the worker starts with the application context; when false, start it yourself through
     * the WorkerManager bean.
     */
    private boolean autoStartup = true;

    /** Jobs performed at once (worker threads). */
    private int concurrency = 20;

    /**
     * How long stopping waits for jobs in flight before FAILing them so the server retries them.
     */
    private Duration shutdownGrace = Duration.ofSeconds(25);

    /** Heartbeat period; the server forgets workers silent for 60 s. */
    private Duration heartbeatInterval = Duration.ofSeconds(15);

    /** Labels shown for this worker on the server's Busy page. */
    private List<String> labels = new ArrayList<>();

    /**
     * The queue order these settings describe.
     *
     * @throws IllegalArgumentException no queue, or a weight below 1
     */
    public Queues toQueues() {
      if (!weights.isEmpty()) {
        return Queues.weighted(weights);
      }
      return Queues.strict(queues.toArray(String[]::new));
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public List<String> getQueues() {
      return queues;
    }

    public void setQueues(List<String> queues) {
      this.queues = queues;
    }

    public Map<String, Integer> getWeights() {
      return weights;
    }

    public void setWeights(Map<String, Integer> weights) {
      this.weights = weights;
    }

    public boolean isAutoStartup() {
      return autoStartup;
    }

    public void setAutoStartup(boolean autoStartup) {
      this.autoStartup = autoStartup;
    }

    public int getConcurrency() {
      return concurrency;
    }

    public void setConcurrency(int concurrency) {
      this.concurrency = concurrency;
    }

    public Duration getShutdownGrace() {
      return shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = shutdownGrace;
    }

    public Duration getHeartbeatInterval() {
      return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = heartbeatInterval;
    }

    public List<String> getLabels() {
      return labels;
    }

    public void setLabels(List<String> labels) {
      this.labels = labels;
    }
  }
}
