package dev.fabrik.cli.bench;

import dev.fabrik.client.admin.FabrikAdmin;
import java.net.URI;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sets and removes limited-drain's limit through the server's JSON API (docs/limits.md):
 *
 * <pre>
 * POST /api/limits {"scope":"queue","name":"bench-1a2b3c4d","concurrency":10}   → 201
 * POST /api/limits/queue:bench-1a2b3c4d/remove                                  → 200
 * </pre>
 */
final class WebLimitApi implements LimitedDrainPhase.LimitApi {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final FabrikAdmin admin;

  WebLimitApi(URI web, String password) {
    this.admin = FabrikAdmin.connect(web, password);
  }

  @Override
  public void set(String queue, int concurrency) {
    ObjectNode rule = JSON.createObjectNode();
    rule.put("scope", "queue");
    rule.put("name", queue);
    rule.put("concurrency", concurrency);
    admin.postJson("/api/limits", rule);
  }

  @Override
  public void remove(String queue) {
    admin.postJson("/api/limits/queue:" + queue + "/remove", null);
  }
}
