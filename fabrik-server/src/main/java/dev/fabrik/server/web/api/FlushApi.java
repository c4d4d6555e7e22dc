package dev.fabrik.server.web.api;

import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.web.RouteTable;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/flush → {"flushed":true}}: what the protocol's FLUSH does (every queue, set,
 * reservation and counter emptied), for {@code fabrik flush}.
 */
public final class FlushApi {
  private final Manager manager;

  public FlushApi(Manager manager) {
    this.manager = manager;
  }

  public void register(RouteTable routes) {
    routes.post(
        "/api/flush",
        r -> {
          manager.flush();
          ObjectNode body = ConsoleJson.object();
          body.put("flushed", true);
          r.json(200, body);
        });
  }
}
