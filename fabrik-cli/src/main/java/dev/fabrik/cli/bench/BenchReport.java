package dev.fabrik.cli.bench;

import java.util.List;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The outcome of a bench run, as a table for people or JSON for machines:
 *
 * <pre>
 * phase        jobs      seconds   jobs/s     p50 ms  p99 ms  max ms  errors
 * push-bulk    100000    0.91      109890     -       -       -       0
 * latency      10000     10.00     1000       0.21    0.90    3.10    0
 * </pre>
 */
public record BenchReport(
    BenchSettings settings,
    String queue,
    List<PhaseResult> phases,
    ServerMemory before,
    ServerMemory after) {

  public boolean ok() {
    return phases.stream().allMatch(PhaseResult::ok);
  }

  public String table() {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "fabrik bench: %s, %d jobs, %d connections, batch %d, engine %s%s%n",
            BenchTarget.redact(url()),
            settings.jobs(),
            settings.concurrency(),
            settings.batch(),
            settings.effectiveEngine().label(),
            settings.warmupJobs() == 0 ? "" : ", warm-up " + settings.warmupJobs() + " jobs"));
    s.append(
        String.format(
            Locale.ROOT,
            "%-10s %9s %9s %11s %8s %8s %8s %7s %11s%n",
            "phase",
            "jobs",
            "seconds",
            "jobs/s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "errors",
            "srv us/job"));
    for (PhaseResult p : phases) {
      Samples.Latency l = p.latency();
      s.append(
          String.format(
              Locale.ROOT,
              "%-10s %9d %9.2f %11.0f %8s %8s %8s %7d %11s%n",
              p.phase().label(),
              p.jobs(),
              p.elapsed().toNanos() / 1e9,
              p.jobsPerSecond(),
              l == null ? "-" : ms(l.p50Ms()),
              l == null ? "-" : ms(l.p99Ms()),
              l == null ? "-" : ms(l.maxMs()),
              p.errors(),
              p.serverCpuMicrosPerJob() < 0
                  ? "-"
                  : String.format(Locale.ROOT, "%.1f", p.serverCpuMicrosPerJob())));
      if (p.detail() != null) {
        s.append("  ").append(p.detail()).append('\n');
      }
      if (!p.ok()) {
        s.append("  first error: ").append(p.firstError()).append('\n');
      }
    }
    s.append("server memory: used_memory_mb ")
        .append(mb(before.usedMemoryMb()))
        .append(" -> ")
        .append(mb(after.usedMemoryMb()));
    if (after.vmRssKb() >= 0) {
      s.append(
          String.format(
              Locale.ROOT,
              ", VmRSS %d -> %d MB, VmHWM %d MB",
              before.vmRssKb() / 1024,
              after.vmRssKb() / 1024,
              after.vmHwmKb() / 1024));
    }
    return s.append('\n').toString();
  }

  public String json() {
    JsonMapper json = JsonMapper.builder().build();
    ObjectNode root = json.createObjectNode();
    root.put("url", BenchTarget.redact(url()));
    root.put("jobs", settings.jobs());
    root.put("concurrency", settings.concurrency());
    root.put("batch", settings.batch());
    root.put("engine", settings.effectiveEngine().label());
    root.put("warmup_jobs", settings.warmupJobs());
    root.put("queue", queue);
    root.put("ok", ok());
    var list = root.putArray("phases");
    for (PhaseResult p : phases) {
      ObjectNode o = list.addObject();
      o.put("name", p.phase().label());
      o.put("jobs", p.jobs());
      o.put("seconds", p.elapsed().toNanos() / 1e9);
      o.put("jobs_per_sec", Math.round(p.jobsPerSecond()));
      o.put("errors", p.errors());
      if (p.serverCpuMicrosPerJob() >= 0) {
        o.put("server_cpu_us_per_job", p.serverCpuMicrosPerJob());
      }
      if (p.detail() != null) {
        o.put("detail", p.detail());
      }
      if (p.firstError() != null) {
        o.put("first_error", p.firstError());
      }
      if (p.latency() != null) {
        ObjectNode l = o.putObject("latency_ms");
        l.put("p50", p.latency().p50Ms());
        l.put("p99", p.latency().p99Ms());
        l.put("max", p.latency().maxMs());
      }
    }
    ObjectNode server = root.putObject("server");
    server.put("used_memory_mb_before", before.usedMemoryMb());
    server.put("used_memory_mb_after", after.usedMemoryMb());
    if (after.vmRssKb() >= 0) {
      server.put("vm_rss_kb_before", before.vmRssKb());
      server.put("vm_rss_kb_after", after.vmRssKb());
      server.put("vm_hwm_kb_after", after.vmHwmKb());
    }
    return json.writeValueAsString(root) + "\n";
  }

  private String url() {
    var c = settings.connection();
    return (c.sslSocketFactory() != null ? "tcp+tls://" : "tcp://") + c.host() + ":" + c.port();
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String mb(long v) {
    return v < 0 ? "?" : v + " MB";
  }
}
