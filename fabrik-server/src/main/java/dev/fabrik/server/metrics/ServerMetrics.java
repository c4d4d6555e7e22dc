package dev.fabrik.server.metrics;

import dev.fabrik.server.auth.LoginThrottle;
import dev.fabrik.server.cluster.NodeRegistry;
import dev.fabrik.server.expiry.ExpiredJobs;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.OutcomeListener;
import dev.fabrik.server.net.CommandObserver;
import dev.fabrik.server.net.ConnectionStats;
import dev.fabrik.server.storage.CommitObserver;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.workers.WorkerRegistry;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Prometheus metrics of one server, in a registry of its own (not the library's global default:
 * tests run many servers in one JVM). The server wires the observers into the parts that feed them:
 *
 * <pre>{@code
 * ServerMetrics metrics = new ServerMetrics(manager, store, workers, connectionStats);
 * manager.onOutcome(metrics.jobOutcomes());   // fabrik_jobs_processed_total, _failed_total, _snoozed_total
 * store.onCommit(metrics.commits());          // fabrik_storage_commit_*
 * new Listener(..., metrics.commands());      // fabrik_command_duration_seconds
 * new LoginThrottle(..., metrics.authFailures()); // fabrik_auth_failures_total
 * manager.use(new ExpiringJobs(clock, metrics.expiredJobs())); // fabrik_jobs_expired_total
 * }</pre>
 *
 * Queue, set, connection and worker gauges are read at scrape time; {@link #scrape(String)} appends
 * the process-wide JVM and process metrics. Every metric is listed in docs/operations.md.
 */
public final class ServerMetrics {
  private static final ExpositionFormats FORMATS = ExpositionFormats.init();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final JobCounters jobs;
  private final CommandLatency commands;
  private final CommitMetrics commits;
  private final AuthFailures authFailures;
  private final ExpiredJobCounter expiredJobs;

  public ServerMetrics(
      Manager manager, Store store, WorkerRegistry workers, ConnectionStats connections) {
    this.jobs = new JobCounters(registry);
    this.commands = new CommandLatency(registry);
    this.commits = new CommitMetrics(registry);
    this.authFailures = new AuthFailures(registry);
    this.expiredJobs = new ExpiredJobCounter(registry);
    StateGauges.register(registry, manager, store, workers, connections);
  }

  /** Adds {@code fabrik_nodes} and {@code fabrik_cluster_connections} (see {@link NodeGauges}). */
  public void nodes(Supplier<List<NodeRegistry.NodeStatus>> nodes) {
    NodeGauges.register(registry, nodes);
  }

  /** Counts ACKs, FAILs and expired reservations by job type. */
  /** Batch gauges and the callback counter (see {@link BatchGauges}). */
  public void batches(
      Supplier<dev.fabrik.server.batch.BatchCounts> counts,
      java.util.function.LongSupplier callbacks) {
    BatchGauges.register(registry, counts, callbacks);
  }

  public OutcomeListener jobOutcomes() {
    return jobs;
  }

  /** Times commands by verb. */
  public CommandObserver commands() {
    return commands;
  }

  /** Times group commits and records their sizes. */
  public CommitObserver commits() {
    return commits;
  }

  /** Counts failed password attempts by port. */
  public LoginThrottle.Observer authFailures() {
    return authFailures;
  }

  /** Registers the workflow gauge and counters; returns the counters to feed. */
  public dev.fabrik.server.workflow.WorkflowCounters workflows(
      dev.fabrik.server.workflow.WorkflowStore store) {
    return new WorkflowMetrics(registry, store);
  }

  /** Counts jobs dropped because they expired, by job type. */
  /** The registry, for a feature that registers its own metrics (the limits). */
  public PrometheusRegistry registry() {
    return registry;
  }

  public ExpiredJobs expiredJobs() {
    return expiredJobs;
  }

  /** The server's metrics followed by the JVM's, as one set of snapshots. */
  public MetricSnapshots snapshots() {
    MetricSnapshots.Builder all = MetricSnapshots.builder();
    for (MetricSnapshot s : registry.scrape()) {
      all.metricSnapshot(s);
    }
    for (MetricSnapshot s : JvmMetricsRegistry.get().scrape()) {
      all.metricSnapshot(s);
    }
    return all.build();
  }

  /**
   * A scrape in the format the {@code Accept} header asks for: the Prometheus text format 0.0.4
   * unless the scraper prefers OpenMetrics (protobuf is not on the class path, so it falls back to
   * text).
   *
   * @param accept the request's Accept header, or null
   */
  public Scrape scrape(String accept) {
    ExpositionFormatWriter writer = FORMATS.findWriter(accept);
    if (!writer.isAvailable()) {
      writer = FORMATS.getPrometheusTextFormatWriter();
    }
    EscapingScheme escaping = EscapingScheme.fromAcceptHeader(accept);
    ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(body, snapshots(), escaping);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return new Scrape(writer.getContentType(), body.toByteArray());
  }

  /** One rendered scrape. */
  public record Scrape(String contentType, byte[] body) {}
}
