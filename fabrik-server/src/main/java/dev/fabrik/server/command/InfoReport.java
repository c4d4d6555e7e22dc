package dev.fabrik.server.command;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.cluster.NodeRegistry;
import dev.fabrik.server.cluster.NodesJson;
import dev.fabrik.server.manager.JobStats;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.metrics.ProcessMemory;
import dev.fabrik.server.workers.WorkerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server state INFO (and the admin API) reports. Exactly four top-level keys, and every number
 * a non-negative integer except {@code wall_time_sec}, because the Go client decodes it into uint64
 * fields and the dashboard reads {@code faktory.tasks.*.size}:
 *
 * <pre>
 * {"now":"2026-06-30T17:34:46.123456789Z","server_utc_time":"17:34:46 UTC",
 *  "faktory":{"queues":{"default":3},"sets":{"dead":0,"retries":1,"scheduled":2,"working":1},
 *    "tasks":{"Busy":{"reaped":0,"size":1},"Dead":{"cycles":12,"enqueued":0,"size":0,
 *      "wall_time_sec":0.0012},"Retries":{...},"Scheduled":{...},"Workers":{"reaped":0,"size":2}},
 *    "total_failures":5,"total_processed":120,"total_enqueued":3,"total_queues":1},
 *  "server":{"description":"Fabrik","faktory_version":"1.10.0","fabrik_version":"0.1.0",
 *    "uptime":3600,"connections":4,"command_count":987,"used_memory_mb":12}}
 * </pre>
 *
 * With several nodes on one store, {@code server} also carries {@code "cluster_connections":57} and
 * {@code "nodes":[...]} (see {@link NodesJson}).
 */
public final class InfoReport {
  /** The Faktory release whose protocol we speak; clients and dashboards compare it. */
  public static final String FAKTORY_VERSION = "1.10.0";

  /** This build's version, from the jar manifest when there is one. */
  public static final String FABRIK_VERSION = fabrikVersion();

  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final long MIB = 1024 * 1024;

  private final Manager manager;
  private final WorkerRegistry workers;
  private final Clock clock;
  private final Instant startedAt;
  private final IntSupplier connections;
  private final LongSupplier commandCount;
  private final Supplier<String> commandPortProblem;
  private final Supplier<List<NodeRegistry.NodeStatus>> nodes;

  /**
   * @param connections handshaken connections right now
   * @param commandCount commands dispatched since boot
   * @param commandPortProblem why the command port cannot serve, or null when it can
   */
  public InfoReport(
      Manager manager,
      WorkerRegistry workers,
      Clock clock,
      IntSupplier connections,
      LongSupplier commandCount,
      Supplier<String> commandPortProblem) {
    this(manager, workers, clock, connections, commandCount, commandPortProblem, List::of);
  }

  /**
   * @param nodes the server nodes sharing the store: INFO adds {@code server.nodes} (see {@link
   *     NodesJson}) and {@code server.cluster_connections} when there is more than one
   */
  public InfoReport(
      Manager manager,
      WorkerRegistry workers,
      Clock clock,
      IntSupplier connections,
      LongSupplier commandCount,
      Supplier<String> commandPortProblem,
      Supplier<List<NodeRegistry.NodeStatus>> nodes) {
    this.nodes = nodes;
    this.manager = manager;
    this.workers = workers;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.connections = connections;
    this.commandCount = commandCount;
    this.commandPortProblem = commandPortProblem;
  }

  /** {@code GET /health}: 200 while the command port serves, else 503 and the reason. */
  public record Health(int status, ObjectNode body) {}

  /** The INFO document as compact JSON bytes. */
  public byte[] json() {
    return JobCodec.MAPPER.writeValueAsBytes(tree());
  }

  /** The INFO document. */
  public ObjectNode tree() {
    Instant now = clock.instant();
    JobStats stats = manager.stats();
    ObjectNode root = JobCodec.MAPPER.createObjectNode();
    root.put("now", Timestamps.format(now));
    root.put("server_utc_time", UTC_TIME.format(now));
    root.set("faktory", faktory(stats));
    root.set("server", server(now));
    return root;
  }

  /**
   * What {@code GET /health} shows: whether the command port serves, the version and load fields. A
   * process whose port accepts but serves nobody is not healthy:
   *
   * <pre>
   * 503 {"now":"...","status":"unhealthy","problem":"accept failing: java.io.IOException: Too many
   *      open files","server":{...}}
   * </pre>
   */
  public Health health() {
    Instant now = clock.instant();
    String problem = commandPortProblem.get();
    ObjectNode root = JobCodec.MAPPER.createObjectNode();
    root.put("now", Timestamps.format(now));
    root.put("status", problem == null ? "ok" : "unhealthy");
    if (problem != null) {
      root.put("problem", problem);
    }
    ObjectNode server = root.putObject("server");
    server.put("description", "Fabrik");
    server.put("faktory_version", FAKTORY_VERSION);
    server.put("fabrik_version", FABRIK_VERSION);
    server.put("connections", nonNegative(connections.getAsInt()));
    server.put("command_count", nonNegative(commandCount.getAsLong()));
    return new Health(problem == null ? 200 : 503, root);
  }

  private ObjectNode faktory(JobStats stats) {
    ObjectNode f = JobCodec.MAPPER.createObjectNode();
    ObjectNode queues = f.putObject("queues");
    long enqueued = 0;
    for (Map.Entry<String, Long> q : stats.queues().entrySet()) {
      long size = nonNegative(q.getValue() == null ? 0 : q.getValue());
      queues.put(q.getKey(), size);
      enqueued += size;
    }
    ObjectNode sets = f.putObject("sets");
    sets.put("dead", nonNegative(stats.dead()));
    sets.put("retries", nonNegative(stats.retries()));
    sets.put("scheduled", nonNegative(stats.scheduled()));
    sets.put("working", nonNegative(stats.working()));
    ObjectNode tasks = f.putObject("tasks");
    Map<String, JobStats.TaskStats> ran = stats.tasks() == null ? Map.of() : stats.tasks();
    ObjectNode busy = tasks.putObject("Busy");
    busy.put("reaped", moved(ran, "Busy"));
    busy.put("size", nonNegative(stats.working()));
    scanner(tasks.putObject("Dead"), ran.get("Dead"), stats.dead());
    scanner(tasks.putObject("Retries"), ran.get("Retries"), stats.retries());
    scanner(tasks.putObject("Scheduled"), ran.get("Scheduled"), stats.scheduled());
    ObjectNode live = tasks.putObject("Workers");
    live.put("reaped", nonNegative(workers.reapedTotal()));
    live.put("size", workers.size());
    f.put("total_failures", nonNegative(stats.totalFailures()));
    f.put("total_processed", nonNegative(stats.totalProcessed()));
    f.put("total_enqueued", enqueued);
    f.put("total_queues", stats.queues().size());
    return f;
  }

  private static void scanner(ObjectNode out, JobStats.TaskStats task, long size) {
    out.put("cycles", task == null ? 0 : nonNegative(task.cycles()));
    out.put("enqueued", task == null ? 0 : nonNegative(task.enqueued()));
    out.put("size", nonNegative(size));
    out.put("wall_time_sec", task == null ? 0.0 : Math.max(0.0, task.wallTimeSeconds()));
  }

  /** For the reaping tasks the manager counts reaped items as "enqueued" (moved). */
  private static long moved(Map<String, JobStats.TaskStats> ran, String task) {
    JobStats.TaskStats t = ran.get(task);
    return t == null ? 0 : nonNegative(t.enqueued());
  }

  private ObjectNode server(Instant now) {
    ObjectNode s = JobCodec.MAPPER.createObjectNode();
    s.put("description", "Fabrik");
    s.put("faktory_version", FAKTORY_VERSION);
    s.put("fabrik_version", FABRIK_VERSION);
    s.put("uptime", nonNegative(Duration.between(startedAt, now).toSeconds()));
    s.put("connections", nonNegative(connections.getAsInt()));
    s.put("command_count", nonNegative(commandCount.getAsLong()));
    s.put("used_memory_mb", nonNegative(ProcessMemory.residentBytes() / MIB));
    List<NodeRegistry.NodeStatus> all = nodes.get();
    if (all.size() > 1) {
      // Several nodes on one PostgreSQL: the figures under "faktory" are already cluster-wide.
      s.put("cluster_connections", NodesJson.liveConnections(all));
      s.set("nodes", NodesJson.array(all));
    }
    return s;
  }

  private static long nonNegative(long v) {
    return Math.max(0, v);
  }

  private static String fabrikVersion() {
    String v = InfoReport.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
