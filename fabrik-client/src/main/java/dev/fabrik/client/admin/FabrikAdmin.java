package dev.fabrik.client.admin;

import dev.fabrik.protocol.JobCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Typed access to a Fabrik server's admin JSON API (the web port, docs/api.md), for scripts and the
 * {@code fabrik} CLI:
 *
 * <pre>{@code
 * FabrikAdmin admin = FabrikAdmin.connect(URI.create("http://127.0.0.1:7420"), "s3cret");
 * admin.pause("low");
 * SetPage dead = admin.setPage(SetName.DEAD, SetFilter.of("ChargeCard", "declined"), null, 50);
 * BulkTask t = admin.awaitTask(
 *     admin.startTask(SetName.DEAD, BulkAction.RETRY, SetFilter.of("ChargeCard", null)),
 *     Duration.ofMillis(200), progress -> {});
 * }</pre>
 *
 * Authentication is the web UI's: HTTP Basic with the server password. Every call blocks and throws
 * an {@link AdminException} subclass on refusal (wrong password, unknown name, bad filter) or when
 * the server cannot be reached. Thread-safe.
 */
public final class FabrikAdmin {
  private final AdminTransport http;

  private FabrikAdmin(AdminTransport http) {
    this.http = http;
  }

  /**
   * @param url the web port's base URL, e.g. {@code http://127.0.0.1:7420}
   * @param password the server password, or null when it has none
   */
  public static FabrikAdmin connect(URI url, String password) {
    return connect(url, password, Duration.ofSeconds(10));
  }

  /** As {@link #connect(URI, String)}, with the connect and per-request timeout. */
  public static FabrikAdmin connect(URI url, String password, Duration timeout) {
    Objects.requireNonNull(url, "url");
    return new FabrikAdmin(new AdminTransport(url, password, timeout));
  }

  public URI url() {
    return http.base();
  }

  // ---------------------------------------------------------------- server

  /** The dashboard's figures. */
  public Overview overview() {
    return AdminJson.overview(http.get("api/overview"));
  }

  /** Empties every queue, set and counter (the protocol's FLUSH). */
  public void flush() {
    http.post("api/flush", null);
  }

  // ---------------------------------------------------------------- queues

  public List<QueueInfo> queues() {
    return AdminJson.queues(http.get("api/queues"));
  }

  /**
   * @throws AdminException.NotFound for an unknown queue
   */
  public void pause(String queue) {
    http.post("api/queues/" + AdminTransport.segment(queue) + "/pause", null);
  }

  /**
   * @throws AdminException.NotFound for an unknown queue
   */
  public void resume(String queue) {
    http.post("api/queues/" + AdminTransport.segment(queue) + "/resume", null);
  }

  /**
   * Deletes the queue's jobs and forgets the queue.
   *
   * @throws AdminException.NotFound for an unknown queue
   */
  public void remove(String queue) {
    http.post("api/queues/" + AdminTransport.segment(queue) + "/remove", null);
  }

  // ---------------------------------------------------------------- sets

  /**
   * A page of {@code set}. Pass the previous page's {@link SetPage#next()} as {@code cursor} (null
   * for the first page); {@code limit} is clamped to 1..500 by the server.
   *
   * @throws AdminException.BadRequest for a cursor no page handed out, or a filter too long
   */
  public SetPage setPage(SetName set, SetFilter filter, String cursor, int limit) {
    SetFilter f = filter == null ? SetFilter.ALL : filter;
    StringBuilder q = new StringBuilder("api/sets/").append(set.wireName()).append("?limit=");
    q.append(limit).append("&order=").append(f.descending() ? "desc" : "asc");
    append(q, "type", f.jobtype());
    append(q, "q", f.text());
    append(q, "cursor", cursor);
    return AdminJson.setPage(http.get(q.toString()));
  }

  /**
   * Up to {@code max} matching entries, following pages (a filtered page may be empty and still
   * have a next one).
   */
  public List<SetEntry> entries(SetName set, SetFilter filter, int max) {
    List<SetEntry> out = new ArrayList<>();
    String cursor = null;
    do {
      SetPage page = setPage(set, filter, cursor, Math.min(500, Math.max(1, max - out.size())));
      for (SetEntry e : page.entries()) {
        if (out.size() < max) {
          out.add(e);
        }
      }
      cursor = page.next();
    } while (cursor != null && out.size() < max);
    return out;
  }

  /**
   * Applies {@code action} to the entries with these keys (at most 10,000); keys of entries gone
   * meanwhile are skipped.
   *
   * @return how many were changed
   */
  public int act(SetName set, BulkAction action, List<String> keys) {
    if (action == BulkAction.COUNT) {
      throw new IllegalArgumentException("count is a bulk task only: use startTask");
    }
    ObjectNode body = JobCodec.MAPPER.createObjectNode();
    body.put("action", action.wireName());
    ArrayNode k = body.putArray("keys");
    keys.forEach(k::add);
    return http.post("api/sets/" + set.wireName() + "/actions", body).path("changed").asInt();
  }

  // ---------------------------------------------------------------- bulk tasks

  /**
   * Starts {@code action} on every entry of {@code set} matching {@code filter}, as a task on the
   * server; poll it with {@link #task} or {@link #awaitTask}.
   *
   * @throws AdminException HTTP 409 when the server runs too many tasks already
   */
  public BulkTask startTask(SetName set, BulkAction action, SetFilter filter) {
    SetFilter f = filter == null ? SetFilter.ALL : filter;
    ObjectNode body = JobCodec.MAPPER.createObjectNode();
    body.put("set", set.wireName());
    body.put("action", action.wireName());
    body.put("type", f.jobtype());
    body.put("q", f.text());
    return AdminJson.task(http.post("api/tasks", body));
  }

  /**
   * @throws AdminException.NotFound when this node has no such task (or forgot it)
   */
  public BulkTask task(String id) {
    return AdminJson.task(http.get("api/tasks/" + AdminTransport.segment(id)));
  }

  /** Asks a task to stop after the chunk in hand. */
  public BulkTask cancelTask(String id) {
    return AdminJson.task(http.post("api/tasks/" + AdminTransport.segment(id) + "/cancel", null));
  }

  /**
   * Polls {@code task} every {@code every} until it finished, telling {@code progress} each time.
   */
  public BulkTask awaitTask(BulkTask task, Duration every, Consumer<BulkTask> progress) {
    BulkTask t = task;
    progress.accept(t);
    while (!t.finished()) {
      try {
        Thread.sleep(every.toMillis()); // polling a remote task: there is no signal to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AdminException(0, "interrupted while waiting for task " + t.id(), e);
      }
      t = task(t.id());
      progress.accept(t);
    }
    return t;
  }

  // ---------------------------------------------------------------- workers, cron

  public List<WorkerProcess> workers() {
    return AdminJson.workers(http.get("api/workers"));
  }

  /**
   * Tells a worker ({@code all}: every worker) to stop fetching.
   *
   * @return how many were signaled
   */
  public int quiet(String wid) {
    return http.post("api/workers/" + AdminTransport.segment(wid) + "/quiet", null)
        .path("signaled")
        .asInt();
  }

  /** Tells a worker ({@code all}: every worker) to finish up and exit. */
  public int terminate(String wid) {
    return http.post("api/workers/" + AdminTransport.segment(wid) + "/terminate", null)
        .path("signaled")
        .asInt();
  }

  public List<CronEntry> cron() {
    List<CronEntry> out = new ArrayList<>();
    for (JsonNode c : http.get("api/cron").path("entries")) {
      out.add(AdminJson.cron(c));
    }
    return List.copyOf(out);
  }

  /** The raw JSON of any GET endpoint (what {@code --json} prints). */
  public JsonNode getJson(String pathAndQuery) {
    return http.get(pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery);
  }

  /**
   * POSTs {@code body} to any JSON endpoint (with the CSRF token) and returns the answer, e.g.
   * {@code postJson("/api/limits", {"scope":"queue","name":"q","concurrency":3})}.
   */
  public JsonNode postJson(String path, JsonNode body) {
    return http.post(path.startsWith("/") ? path.substring(1) : path, body);
  }

  // ---------------------------------------------------------------- events

  /**
   * Subscribes to the live job events of the node at {@link #url()}, filtered by queue and job type
   * (null: all). Returns once the server has registered the subscription, so every event after that
   * reaches {@code listener}.
   */
  public EventSubscription events(String queue, String jobtype, EventListener listener) {
    StringBuilder q = new StringBuilder("api/events?");
    append(q, "queue", queue);
    append(q, "jobtype", jobtype);
    HttpRequest request = http.request(q.toString(), true).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = http.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException e) {
      throw http.unreachable(e);
    } catch (IOException e) {
      throw new AdminException.Unreachable("GET /api/events failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException(0, "interrupted", e);
    }
    if (response.statusCode() != 200) {
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      } catch (IOException e) {
        body = "";
      }
      AdminTransport.check(response.statusCode(), body, request);
    }
    EventSubscription s = new EventSubscription(response.body(), listener);
    s.start();
    return s;
  }

  private static void append(StringBuilder q, String name, String value) {
    if (value != null && !value.isEmpty()) {
      char last = q.charAt(q.length() - 1);
      if (last != '?' && last != '&') {
        q.append('&');
      }
      q.append(name).append('=').append(AdminTransport.segment(value));
    }
  }
}
