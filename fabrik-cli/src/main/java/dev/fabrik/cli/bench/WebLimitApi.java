package dev.fabrik.cli.bench;

import dev.fabrik.client.admin.FabrikAdmin;
import java.net.URI;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sets and removes limited-drain's limit through the server's JSON API (docs/limits.md), on the
 * bench queue or on the bench jobs' type:
 *
 * <pre>
 * POST /api/limits {"scope":"queue","name":"bench-1a2b3c4d","concurrency":10}   → 201
 * POST /api/limits/queue:bench-1a2b3c4d/remove                                  → 200
 * POST /api/limits {"scope":"jobtype","name":"bench.noop","concurrency":10}      → 201
 * </pre>
 */
final class WebLimitApi implements LimitedDrainPhase.LimitApi {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final FabrikAdmin admin;
  private final boolean onJobtype;

  WebLimitApi(URI web, String password, boolean onJobtype) {
    this.admin = FabrikAdmin.connect(web, password);
    this.onJobtype = onJobtype;
  }

  private String scope() {
    return onJobtype ? "jobtype" : "queue";
  }

  private String name(String queue) {
    return onJobtype ? JobLines.JOBTYPE : queue;
  }

  @Override
  public void set(String queue, int concurrency) {
    ObjectNode rule = JSON.createObjectNode();
    rule.put("scope", scope());
    rule.put("name", name(queue));
    rule.put("concurrency", concurrency);
    admin.postJson("/api/limits", rule);
  }

  /**
   * From {@code "idle_gaps":{"count":..,"mean_ms":..,"max_ms":..,"buckets_ms":{"0.05":n,...}}}:
   * "server idle gaps: 9120, mean 0.21 ms, p50 ≤ 0.1 ms, p99 ≤ 1 ms, max 3.40 ms".
   */
  @Override
  public String serverIdleGaps(String queue) {
    for (JsonNode limit : admin.getJson("/api/limits").path("limits")) {
      JsonNode gaps = limit.path("idle_gaps");
      if (limit.path("id").asString("").equals(scope() + ":" + name(queue)) && gaps.isObject()) {
        long count = gaps.path("count").asLong();
        return String.format(
            Locale.ROOT,
            "server idle gaps: %d, mean %.3f ms, p50 ≤ %s ms, p99 ≤ %s ms, max %.2f ms",
            count,
            gaps.path("mean_ms").asDouble(),
            bucketOf(gaps.path("buckets_ms"), count, 50),
            bucketOf(gaps.path("buckets_ms"), count, 99),
            gaps.path("max_ms").asDouble());
      }
    }
    return "";
  }

  /** The upper bound (ms) of the bucket holding the {@code p}-th percentile. */
  private static String bucketOf(JsonNode buckets, long count, int p) {
    long rank = (long) Math.ceil(count * p / 100.0);
    long seen = 0;
    for (var e : buckets.properties()) {
      seen += e.getValue().asLong();
      if (seen >= rank && seen > 0) {
        return e.getKey();
      }
    }
    return "-";
  }

  @Override
  public void remove(String queue) {
    admin.postJson("/api/limits/" + scope() + ":" + name(queue) + "/remove", null);
  }
}
