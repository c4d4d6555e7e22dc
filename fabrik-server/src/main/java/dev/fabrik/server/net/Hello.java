package dev.fabrik.server.net;

import dev.fabrik.protocol.JobCodec;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The client's first line, {@code HELLO {"hostname":"h","wid":"w","pid":42,"labels":["x"],"v":2,
 * "pwdhash":"..."}}, decoded as strictly as the reference's typed decoder: a wrong type anywhere
 * ({@code "pid":"42"}, {@code "v":300}) makes the whole HELLO undecodable and the connection is
 * dropped without a reply. Unknown keys ({@code username}) are ignored; nulls mean absent.
 *
 * @param version the {@code v} field, or -1 when absent (the Python client sends none)
 */
record Hello(
    int version, String pwdhash, String wid, String hostname, long pid, List<String> labels) {

  /** Thrown for any HELLO the reference would fail to decode. */
  static final class Undecodable extends Exception {
    Undecodable(String message) {
      super(message, null, false, false);
    }
  }

  static Hello parse(String json) throws Undecodable {
    JsonNode tree;
    try {
      tree = JobCodec.MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new Undecodable(e.getOriginalMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new Undecodable("HELLO must carry a JSON object");
    }
    JsonNode v = tree.get("v");
    int version = -1;
    if (v != null && !v.isNull()) {
      if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0 || v.intValue() > 255) {
        throw new Undecodable("v must be an integer in 0..255");
      }
      version = v.intValue();
    }
    return new Hello(
        version,
        string(tree, "pwdhash"),
        string(tree, "wid"),
        string(tree, "hostname"),
        pid(tree.get("pid")),
        labels(tree.get("labels")));
  }

  /** Clients without {@code v}, or older than v2, hash the password exactly once. */
  int hashIterations(int advertised) {
    return version < 2 ? 1 : advertised;
  }

  private static String string(JsonNode tree, String name) throws Undecodable {
    JsonNode v = tree.get(name);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isString()) {
      throw new Undecodable(name + " must be a string");
    }
    return v.stringValue();
  }

  private static long pid(JsonNode v) throws Undecodable {
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new Undecodable("pid must be an integer");
    }
    return v.longValue();
  }

  private static List<String> labels(JsonNode v) throws Undecodable {
    List<String> labels = new ArrayList<>();
    if (v == null || v.isNull()) {
      return labels;
    }
    if (!v.isArray()) {
      throw new Undecodable("labels must be an array of strings");
    }
    for (JsonNode label : v) {
      if (!label.isString()) {
        throw new Undecodable("labels must be an array of strings");
      }
      labels.add(label.stringValue());
    }
    return List.copyOf(labels);
  }
}
