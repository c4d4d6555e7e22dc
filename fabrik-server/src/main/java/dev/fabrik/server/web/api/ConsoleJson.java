package dev.fabrik.server.web.api;

import dev.fabrik.protocol.Failure;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.web.console.BusyReport;
import dev.fabrik.server.web.console.JobDetail;
import dev.fabrik.server.web.console.JobSummary;
import dev.fabrik.server.web.console.Overview;
import dev.fabrik.server.web.console.QueueJobs;
import dev.fabrik.server.web.console.QueueSummary;
import dev.fabrik.server.web.console.QueuedJobDetail;
import dev.fabrik.server.web.console.RunningJob;
import dev.fabrik.server.web.console.SetEntryDetail;
import dev.fabrik.server.web.console.SetListing;
import dev.fabrik.server.web.console.SetRow;
import dev.fabrik.server.web.console.StatsPoint;
import dev.fabrik.server.web.console.StatsSeries;
import dev.fabrik.server.web.console.WorkerProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The console's records as the API's JSON: snake_case keys, timestamps in the protocol's RFC 3339
 * form ({@code "2026-06-30T17:00:00.5Z"}), durations in seconds, absent values as {@code null}.
 * Written by hand rather than by reflection so the wire shape is visible here and stays put when a
 * record gains a field.
 */
final class ConsoleJson {
  private ConsoleJson() {}

  static ObjectNode object() {
    return JobCodec.MAPPER.createObjectNode();
  }

  static ObjectNode overview(Overview o) {
    ObjectNode n = object();
    n.put("now", time(o.now()));
    n.put("fabrik_version", o.version());
    n.put("faktory_version", o.faktoryVersion());
    n.put("uptime_seconds", o.uptime().toSeconds());
    n.put("processed", o.processed());
    n.put("failed", o.failed());
    n.put("enqueued", o.enqueued());
    n.put("connections", o.connections());
    n.put("workers", o.workers());
    ObjectNode sets = n.putObject("sets");
    sets.put("working", o.working());
    sets.put("retries", o.retries());
    sets.put("scheduled", o.scheduled());
    sets.put("dead", o.dead());
    n.put("storage_bytes", o.storageBytes());
    n.set("queues", queues(o.queues()));
    return n;
  }

  static ArrayNode queues(List<QueueSummary> queues) {
    ArrayNode list = JobCodec.MAPPER.createArrayNode();
    for (QueueSummary q : queues) {
      ObjectNode n = list.addObject();
      n.put("name", q.name());
      n.put("size", q.size());
      n.put("latency_seconds", q.latencySeconds());
      n.put("paused", q.paused());
    }
    return list;
  }

  static ObjectNode history(StatsSeries s) {
    ObjectNode n = object();
    n.put("now", time(s.now()));
    n.put("period_seconds", s.period().toMillis() / 1000.0);
    ArrayNode points = n.putArray("points");
    for (StatsPoint p : s.points()) {
      ObjectNode o = points.addObject();
      o.put("at", time(p.at()));
      o.put("processed", p.processed());
      o.put("failed", p.failed());
      o.put("processed_per_second", p.processedPerSecond());
      o.put("failed_per_second", p.failedPerSecond());
    }
    return n;
  }

  static ObjectNode queueJobs(QueueJobs q) {
    ObjectNode n = object();
    n.put("queue", q.queue());
    n.put("size", q.size());
    n.put("latency_seconds", q.latencySeconds());
    n.put("paused", q.paused());
    n.put("cursor", Long.toString(q.cursor()));
    n.put("next", q.next() == null ? null : Long.toString(q.next()));
    ArrayNode jobs = n.putArray("jobs");
    q.jobs().forEach(j -> jobs.add(job(j)));
    return n;
  }

  static ObjectNode job(JobSummary j) {
    ObjectNode n = object();
    n.put("jid", j.jid());
    n.put("jobtype", j.jobtype());
    n.put("queue", j.queue());
    n.set("args", j.args());
    n.put("created_at", time(j.createdAt()));
    n.put("enqueued_at", time(j.enqueuedAt()));
    n.put("at", time(j.at()));
    n.put("retry_count", j.retryCount());
    n.put("error_type", j.errorType());
    n.put("error_message", j.errorMessage());
    n.put("priority", j.priority());
    return n;
  }

  static ObjectNode busy(BusyReport b) {
    ObjectNode n = object();
    n.put("now", time(b.now()));
    n.set("processes", processes(b.processes()));
    n.put("working", b.working());
    ArrayNode jobs = n.putArray("jobs");
    for (RunningJob j : b.jobs()) {
      ObjectNode o = jobs.addObject();
      o.put("jid", j.jid());
      o.put("jobtype", j.jobtype());
      o.put("queue", j.queue());
      o.put("wid", j.wid());
      o.put("started_at", time(j.startedAt()));
      o.put("running_seconds", seconds(j.runningFor()));
      o.put("expires_at", time(j.expiresAt()));
      o.put("worker_gone", j.workerGone());
      if (j.progress() != null) {
        ObjectNode p = o.putObject("progress");
        p.put("state", j.progress().state());
        if (j.progress().percent() != null) {
          p.put("percent", j.progress().percent());
        }
        if (j.progress().desc() != null) {
          p.put("desc", j.progress().desc());
        }
      }
    }
    return n;
  }

  /** Also the shape of {@code GET /api/workers}, which the CLI reads. */
  static ArrayNode processes(List<WorkerProcess> processes) {
    ArrayNode list = JobCodec.MAPPER.createArrayNode();
    for (WorkerProcess w : processes) {
      ObjectNode o = list.addObject();
      o.put("wid", w.wid());
      o.put("hostname", w.hostname());
      o.put("pid", w.pid());
      ArrayNode labels = o.putArray("labels");
      w.labels().forEach(labels::add);
      o.put("started_at", time(w.startedAt()));
      o.put("last_beat", time(w.lastBeat()));
      o.put("rss_kb", w.rssKb());
      o.put("state", w.state());
      o.put("connections", w.connections());
      o.put("jobs_in_flight", w.jobsInFlight());
      // What the worker's BEAT reported ("concurrency", "busy"); absent when it sent nothing.
      if (w.concurrency() >= 0) {
        o.put("concurrency", w.concurrency());
      }
      if (w.busy() >= 0) {
        o.put("busy", w.busy());
      }
    }
    return list;
  }

  static ObjectNode setListing(SetListing l) {
    ObjectNode n = object();
    n.put("set", l.set().wireName());
    n.put("size", l.size());
    ObjectNode filter = n.putObject("filter");
    filter.put("type", l.filter().jobtype());
    filter.put("q", l.filter().text());
    if (l.filter().fingerprint() != null) {
      filter.put("fingerprint", l.filter().fingerprint());
    }
    filter.put("order", l.filter().descending() ? "desc" : "asc");
    n.put("cursor", l.cursor());
    n.put("next", l.next());
    ArrayNode entries = n.putArray("entries");
    for (SetRow r : l.rows()) {
      ObjectNode o = entries.addObject();
      o.put("key", r.key());
      o.put("score", time(r.score()));
      o.set("job", job(r.job()));
    }
    return n;
  }

  static ObjectNode setEntry(SetEntryDetail d) {
    ObjectNode n = object();
    n.put("set", d.set().wireName());
    n.put("key", d.key());
    n.put("score", time(d.score()));
    n.set("job", jobDetail(d.job()));
    return n;
  }

  static ObjectNode queuedJob(QueuedJobDetail d) {
    ObjectNode n = object();
    n.put("queue", d.queue());
    n.put("position", d.position());
    n.put("size", d.size());
    n.set("job", jobDetail(d.job()));
    return n;
  }

  static ObjectNode jobDetail(JobDetail j) {
    ObjectNode n = object();
    n.put("jid", j.jid());
    n.put("jobtype", j.jobtype());
    n.put("queue", j.queue());
    n.set("args", j.args());
    n.set("custom", j.custom());
    n.put("created_at", time(j.createdAt()));
    n.put("enqueued_at", time(j.enqueuedAt()));
    n.put("at", time(j.at()));
    n.put("retry", j.retry());
    n.put("reserve_for", j.reserveFor());
    n.put("priority", j.priority());
    Failure f = j.failure();
    if (f == null) {
      n.putNull("failure");
    } else {
      ObjectNode o = n.putObject("failure");
      o.put("retry_count", f.retryCount());
      o.put("remaining", f.remaining());
      o.put("failed_at", f.failedAt());
      o.put("next_at", f.nextAt());
      o.put("message", f.message());
      o.put("errtype", f.errtype());
      ArrayNode bt = o.putArray("backtrace");
      f.backtrace().forEach(bt::add);
    }
    n.put("payload", j.payload());
    return n;
  }

  static String time(Instant t) {
    return t == null ? null : Timestamps.format(t);
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
