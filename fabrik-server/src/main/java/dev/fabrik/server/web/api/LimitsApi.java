package dev.fabrik.server.web.api;

import dev.fabrik.server.limits.IdleGapSummary;
import dev.fabrik.server.limits.LimitRule;
import dev.fabrik.server.limits.LimitRuleJson;
import dev.fabrik.server.limits.Limits;
import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import java.io.IOException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Concurrency and rate limits with their usage (docs/limits.md); rules set here are stored, so
 * every node applies them within two seconds, and they override conf.d's rule with the same id:
 *
 * <pre>
 * GET  /api/limits               {"limits":[LIMIT...]}
 * POST /api/limits               body: {"scope":"queue","name":"scraper","concurrency":3,"timeout":120}
 *                                → 201 LIMIT (replaces an API rule with that id)
 * POST /api/limits/{id}/remove   → {"id":"queue:scraper","removed":true}   API rules only
 *
 * LIMIT = {"id","scope","name","concurrency","worker","timeout"?,"rate","period"?,"key"?,
 *          "source":"conf.d"|"api","in_flight":2,"rate_blocked":false,"idle_gaps"?:GAPS}
 * GAPS  = {"count":9120,"mean_ms":0.21,"max_ms":3.4,"buckets_ms":{"0.05":5210,"0.1":3001,...}}
 *         (slots freed while FETCHes waited, to the next grant, measured on this node)
 * </pre>
 */
public final class LimitsApi {
  private final Limits limits;

  public LimitsApi(Limits limits) {
    this.limits = limits;
  }

  public void register(RouteTable routes) {
    routes.get("/api/limits", this::list);
    routes.post("/api/limits", this::set);
    routes.post("/api/limits/{id}/remove", this::remove);
  }

  private void list(Requests r) throws IOException {
    ObjectNode body = ConsoleJson.object();
    ArrayNode out = body.putArray("limits");
    for (Limits.Usage u : limits.usage()) {
      out.add(limit(u));
    }
    r.json(200, body);
  }

  private void set(Requests r) throws IOException {
    LimitRule rule;
    try {
      rule = LimitRuleJson.parse(r.jsonBody());
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("limit refused: " + e.getMessage());
    }
    limits.set(rule);
    Limits.Usage u =
        limits.usage().stream()
            .filter(x -> x.rule().id().equals(rule.id()))
            .findFirst()
            .orElseThrow();
    r.json(201, limit(u));
  }

  private void remove(Requests r) throws IOException {
    String id = r.param("id");
    if (!limits.remove(id)) {
      boolean fromConfD = limits.usage().stream().anyMatch(u -> u.rule().id().equals(id));
      throw fromConfD
          ? HttpError.badRequest(
              "limit \"" + id + "\" comes from conf.d: edit the file and send SIGHUP")
          : HttpError.notFound("no limit \"" + id + "\" set through the API");
    }
    ObjectNode body = ConsoleJson.object();
    body.put("id", id);
    body.put("removed", true);
    r.json(200, body);
  }

  static ObjectNode limit(Limits.Usage u) {
    ObjectNode o = LimitRuleJson.toJson(u.rule());
    o.put("source", u.source());
    o.put("in_flight", u.inFlight());
    o.put("rate_blocked", u.rateBlocked());
    IdleGapSummary g = u.idleGaps();
    if (g != null) {
      ObjectNode gaps = o.putObject("idle_gaps");
      gaps.put("count", g.count());
      gaps.put("mean_ms", g.count() == 0 ? 0 : g.sumSeconds() * 1000 / g.count());
      gaps.put("max_ms", g.maxSeconds() * 1000);
      ObjectNode buckets = gaps.putObject("buckets_ms");
      for (int i = 0; i < g.counts().length; i++) {
        buckets.put(bound(g.upperBounds()[i]), g.counts()[i]);
      }
    }
    return o;
  }

  /** A bucket's upper bound in milliseconds, as a key: "0.05", "1", "+Inf". */
  private static String bound(double seconds) {
    return Double.isInfinite(seconds)
        ? "+Inf"
        : java.math.BigDecimal.valueOf(Math.round(seconds * 1_000_000))
            .movePointLeft(3)
            .stripTrailingZeros()
            .toPlainString();
  }
}
