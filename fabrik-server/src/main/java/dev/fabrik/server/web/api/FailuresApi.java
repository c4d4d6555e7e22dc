package dev.fabrik.server.web.api;

import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.triage.FailureGroup;
import dev.fabrik.server.triage.FailureGroupStore;
import dev.fabrik.server.triage.FailureListing;
import dev.fabrik.server.triage.Fingerprint;
import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.node.ObjectNode;

/**
 * Failure triage: the retries and dead sets grouped by fingerprint.
 *
 * <pre>
 * GET /api/failures?set=dead|retries&amp;sort=count|last_seen&amp;limit=100
 *   {"set":"dead","sort":"count","grouped":1000000,"groups":[GROUP...]}
 * GET /api/failures/{set}/{fingerprint}     GROUP, 404 when the set holds none of it
 *
 * GROUP = {"fingerprint":"3f9a0c2e71b4d856","count":1000,"first_seen":"2026-..","last_seen":"..",
 *          "errtype":"Net::ReadTimeout","message":"timeout after &lt;n&gt;s","raw_message":"timeout after 30s",
 *          "jobtypes":{"SendEmail":990,"Sync":10},"sample":{"key":"1782838800_0_42_abc","jid":"abc"}}
 * </pre>
 *
 * A group's jobs: {@code GET /api/sets/dead?fingerprint=3f9a0c2e71b4d856}; all of them retried,
 * deleted or killed: {@code POST /api/tasks {"set":"dead","action":"retry","fingerprint":"..."}}.
 */
public final class FailuresApi {
  static final int DEFAULT_LIMIT = 100;

  private final FailureGroupStore groups;

  public FailuresApi(FailureGroupStore groups) {
    this.groups = groups;
  }

  public void register(RouteTable routes) {
    routes.get("/api/failures", this::list);
    routes.get("/api/failures/{set}/{fingerprint}", this::one);
  }

  private void list(Requests r) throws IOException {
    SetName set;
    FailureGroup.Order order;
    try {
      set = FailureListing.setNamed(r.query("set", null));
      order = FailureGroup.Order.parse(r.query("sort", null));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    int limit = r.queryInt("limit", DEFAULT_LIMIT, 1, FailureGroupStore.MAX_GROUPS);
    FailureListing listing = FailureListing.of(groups, set, order, limit);
    ObjectNode body = ConsoleJson.object();
    body.put("set", set.wireName());
    body.put("sort", order == FailureGroup.Order.COUNT ? "count" : "last_seen");
    body.put("grouped", listing.grouped());
    var list = body.putArray("groups");
    listing.groups().forEach(g -> list.add(json(g)));
    r.json(200, body);
  }

  private void one(Requests r) throws IOException {
    SetName set;
    try {
      set = FailureListing.setNamed(r.param("set"));
    } catch (IllegalArgumentException e) {
      throw HttpError.notFound(e.getMessage());
    }
    String fp = r.param("fingerprint");
    if (!Fingerprint.isHash(fp)) {
      throw HttpError.badRequest("a fingerprint is 16 lower-case hex digits");
    }
    FailureGroup g =
        groups
            .group(set, fp)
            .orElseThrow(
                () -> HttpError.notFound("no failure group " + fp + " in " + set.wireName()));
    r.json(200, json(g));
  }

  static ObjectNode json(FailureGroup g) {
    ObjectNode n = ConsoleJson.object();
    n.put("fingerprint", g.fingerprint());
    n.put("count", g.count());
    n.put("first_seen", ConsoleJson.time(g.firstSeen()));
    n.put("last_seen", ConsoleJson.time(g.lastSeen()));
    n.put("errtype", g.errtype());
    n.put("message", g.maskedMessage());
    n.put("raw_message", g.message());
    ObjectNode types = n.putObject("jobtypes");
    Map<String, Long> sorted = new TreeMap<>(g.jobtypes());
    sorted.forEach(types::put);
    if (g.sample() != null) {
      ObjectNode sample = n.putObject("sample");
      sample.put("key", g.sample().asString());
      sample.put("jid", g.sample().jid());
    } else {
      n.putNull("sample");
    }
    return n;
  }
}
