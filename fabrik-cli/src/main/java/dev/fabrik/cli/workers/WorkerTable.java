package dev.fabrik.cli.workers;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders {@code GET /api/workers} as a table. Accepts a JSON array of workers or an object with a
 * {@code workers} array, and both camelCase and snake_case field names, so the table survives small
 * changes of the API; anything else is printed as received.
 */
final class WorkerTable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String[] HEADERS = {
    "WID", "STATE", "HOSTNAME", "PID", "CONNS", "LAST BEAT", "LABELS"
  };

  private WorkerTable() {}

  static String render(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JacksonException e) {
      return body;
    }
    JsonNode list = root != null && root.isObject() ? root.path("workers") : root;
    if (list == null || !list.isArray()) {
      return body;
    }
    if (list.isEmpty()) {
      return "no workers connected\n";
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (JsonNode w : list) {
      rows.add(
          new String[] {
            text(w, "wid"),
            text(w, "state").toLowerCase(java.util.Locale.ROOT),
            text(w, "hostname"),
            text(w, "pid"),
            text(w, "connections"),
            text(w, "lastBeat", "last_beat", "beat_at"),
            labels(w.path("labels"))
          });
    }
    return format(rows);
  }

  private static String text(JsonNode w, String... names) {
    for (String name : names) {
      JsonNode v = w.get(name);
      if (v != null && !v.isNull()) {
        return v.isString() ? v.asString() : v.toString();
      }
    }
    return "-";
  }

  private static String labels(JsonNode labels) {
    if (!labels.isArray() || labels.isEmpty()) {
      return "-";
    }
    List<String> out = new ArrayList<>();
    labels.forEach(l -> out.add(l.asString()));
    return String.join(",", out);
  }

  private static String format(List<String[]> rows) {
    int[] width = new int[HEADERS.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder s = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        s.append(i == row.length - 1 ? row[i] : String.format("%-" + width[i] + "s  ", row[i]));
      }
      s.append('\n');
    }
    return s.toString();
  }
}
