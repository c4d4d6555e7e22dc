package dev.fabrik.client.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Reads the API's JSON documents (docs/api.md) into the admin client's records. */
final class AdminJson {
  private AdminJson() {}

  static Overview overview(JsonNode n) {
    Map<String, Long> sets = new LinkedHashMap<>();
    n.path("sets").properties().forEach(e -> sets.put(e.getKey(), e.getValue().asLong()));
    return new Overview(
        time(n.get("now")),
        text(n.get("fabrik_version")),
        n.path("uptime_seconds").asLong(),
        n.path("processed").asLong(),
        n.path("failed").asLong(),
        n.path("enqueued").asLong(),
        n.path("connections").asLong(),
        n.path("workers").asLong(),
        Map.copyOf(sets),
        n.path("storage_bytes").asLong(),
        queues(n.path("queues")));
  }

  static List<QueueInfo> queues(JsonNode list) {
    List<QueueInfo> out = new ArrayList<>();
    for (JsonNode q : list) {
      out.add(
          new QueueInfo(
              text(q.get("name")),
              q.path("size").asLong(),
              q.path("latency_seconds").asDouble(),
              q.path("paused").asBoolean()));
    }
    return List.copyOf(out);
  }

  static SetPage setPage(JsonNode n) {
    List<SetEntry> entries = new ArrayList<>();
    for (JsonNode e : n.path("entries")) {
      entries.add(setEntry(e));
    }
    return new SetPage(
        SetName.parse(text(n.get("set"))),
        n.path("size").asLong(),
        List.copyOf(entries),
        text(n.get("next")));
  }

  static SetEntry setEntry(JsonNode e) {
    return new SetEntry(text(e.get("key")), time(e.get("score")), job(e.path("job")));
  }

  static JobSummary job(JsonNode j) {
    return new JobSummary(
        text(j.get("jid")),
        text(j.get("jobtype")),
        text(j.get("queue")),
        j.get("args"),
        time(j.get("created_at")),
        time(j.get("at")),
        j.has("retry_count") && !j.get("retry_count").isNull()
            ? j.get("retry_count").asInt()
            : j.path("failure").path("retry_count").asInt(-1),
        text(j.has("error_type") ? j.get("error_type") : j.path("failure").get("errtype")),
        text(j.has("error_message") ? j.get("error_message") : j.path("failure").get("message")),
        j.path("priority").asInt(5));
  }

  static BulkTask task(JsonNode t) {
    return new BulkTask(
        text(t.get("id")),
        SetName.parse(text(t.get("set"))),
        BulkAction.valueOf(text(t.get("action")).toUpperCase(Locale.ROOT)),
        text(t.get("state")),
        t.path("done").asLong(),
        t.path("total").isNumber() ? t.get("total").asLong() : null,
        t.path("changed").asLong(),
        text(t.get("error")),
        time(t.get("started_at")),
        time(t.get("finished_at")));
  }

  static List<WorkerProcess> workers(JsonNode list) {
    List<WorkerProcess> out = new ArrayList<>();
    for (JsonNode w : list) {
      List<String> labels = new ArrayList<>();
      w.path("labels").forEach(l -> labels.add(l.asString()));
      out.add(
          new WorkerProcess(
              text(w.get("wid")),
              text(w.get("hostname")),
              w.path("pid").asLong(),
              List.copyOf(labels),
              time(w.get("started_at")),
              time(w.get("last_beat")),
              text(w.get("state")),
              w.path("connections").asInt()));
    }
    return List.copyOf(out);
  }

  static CronEntry cron(JsonNode c) {
    List<Instant> next = new ArrayList<>();
    c.path("next").forEach(t -> next.add(time(t)));
    return new CronEntry(
        text(c.get("id")),
        text(c.get("name")),
        text(c.get("schedule")),
        text(c.get("timezone")),
        text(c.path("job").get("type")),
        text(c.get("source")),
        c.path("paused").asBoolean(),
        time(c.get("last_run_at")),
        List.copyOf(next));
  }

  static String text(JsonNode v) {
    return v == null || v.isNull() || v.isMissingNode() ? null : v.asString();
  }

  static Instant time(JsonNode v) {
    String s = text(v);
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
