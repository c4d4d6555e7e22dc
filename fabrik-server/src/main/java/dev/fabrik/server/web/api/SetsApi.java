package dev.fabrik.server.web.api;

import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.console.SetAction;
import dev.fabrik.server.web.console.SetConsole;
import dev.fabrik.server.web.console.SetFilter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The sorted sets ({@code retries}, {@code scheduled}, {@code dead}):
 *
 * <pre>
 * GET  /api/sets/{set}?type=&amp;q=&amp;fingerprint=&amp;order=asc|desc&amp;cursor=&amp;limit=25
 *        {"set":"dead","size":1000000,"filter":{..},"cursor":null,"next":"1782838825_0_57_xyz","entries":[{"key":..,"score":..,"job":{..}}]}
 * GET  /api/sets/{set}/{key}                 {"set":"dead","key":"1782838800_500000000_42_abc","score":..,"job":{..}}
 * POST /api/sets/{set}/actions  {"action":"retry","keys":["1782838800_500000000_42_abc"]}
 *                               {"action":"delete","all":true,"type":"SendEmail","q":"timeout"}
 *        → {"action":"retry","changed":1}
 * </pre>
 *
 * Actions: {@code retry} and {@code enqueue} (back to the queue), {@code delete}, {@code kill} (to
 * dead with the configured TTL). An unknown set or key is a 404; a bad cursor, key, order or action
 * a 400. A page may hold fewer entries than asked for and still have a {@code next}.
 */
final class SetsApi {
  static final int DEFAULT_LIMIT = 25;

  private final SetConsole sets;

  SetsApi(SetConsole sets) {
    this.sets = sets;
  }

  void register(RouteTable routes) {
    routes.get("/api/sets/{set}", this::page);
    routes.get("/api/sets/{set}/{key}", this::entry);
    routes.post("/api/sets/{set}/actions", this::act);
  }

  private void page(Requests r) throws IOException {
    SetName set = SetConsole.setNamed(r.param("set"));
    SetFilter filter =
        new SetFilter(
            r.query("type", null),
            r.query("q", null),
            SetFilter.descending(r.query("order", null)),
            r.query("fingerprint", null));
    int limit = r.queryInt("limit", DEFAULT_LIMIT, 1, SetConsole.MAX_PAGE);
    r.json(200, ConsoleJson.setListing(sets.page(set, filter, r.query("cursor", null), limit)));
  }

  private void entry(Requests r) throws IOException {
    SetName set = SetConsole.setNamed(r.param("set"));
    r.json(200, ConsoleJson.setEntry(sets.entry(set, r.param("key"))));
  }

  private void act(Requests r) throws IOException {
    SetName set = SetConsole.setNamed(r.param("set"));
    ObjectNode body = r.jsonBody();
    SetAction action = SetAction.parse(text(body, "action"));
    JsonNode keys = body.get("keys");
    boolean all = body.path("all").asBoolean(false);
    if (all == (keys != null)) {
      throw HttpError.badRequest("give either \"keys\":[...] or \"all\":true");
    }
    int changed;
    if (all) {
      SetFilter filter =
          new SetFilter(text(body, "type"), text(body, "q"), false, text(body, "fingerprint"));
      changed = sets.actOnMatching(set, action, filter);
    } else {
      changed = sets.act(set, action, keyList(keys));
    }
    ObjectNode out = ConsoleJson.object();
    out.put("action", action.wireName());
    out.put("changed", changed);
    r.json(200, out);
  }

  private static List<String> keyList(JsonNode keys) {
    if (!keys.isArray()) {
      throw HttpError.badRequest("\"keys\" must be an array of entry keys");
    }
    List<String> out = new ArrayList<>(keys.size());
    for (JsonNode k : keys) {
      if (!k.isString()) {
        throw HttpError.badRequest("\"keys\" must be an array of entry keys (strings)");
      }
      out.add(k.stringValue());
    }
    return out;
  }

  private static String text(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isString()) {
      throw HttpError.badRequest("\"" + field + "\" must be a string");
    }
    return v.stringValue();
  }
}
