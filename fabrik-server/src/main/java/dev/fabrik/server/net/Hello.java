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
 * <p>What a worker tells about itself is shown on the Busy page and kept while it lives, so it is
 * bounded: a longer {@code wid} or {@code hostname}, more or longer labels are {@link Refused} with
 * {@code -ERR wid is longer than 128 characters}.
 *
 * @param version the {@code v} field, or -1 when absent (the Python client sends none)
 */
record Hello(
    int version, String pwdhash, String wid, String hostname, long pid, List<String> labels) {

  /**
   * Longest first line before the handshake has succeeded. A real HELLO is a few hundred bytes;
   * with every field at its limit it stays under 12 KB.
   */
  static final int MAX_LINE_BYTES = 16 * 1024;

  static final int MAX_WID_CHARS = 128;
  static final int MAX_HOSTNAME_CHARS = 255;
  static final int MAX_LABELS = 32;
  static final int MAX_LABEL_CHARS = 128;

  /** A HELLO that decodes but asks too much; answered {@code -ERR <message>}. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** Thrown for any HELLO the reference would fail to decode. */
  static final class Undecodable extends Exception {
    Undecodable(String message) {
      super(message, null, false, false);
    }
  }

  static Hello parse(String json) throws Undecodable, Refused {
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
    Hello hello =
        new Hello(
            version,
            string(tree, "pwdhash"),
            string(tree, "wid"),
            string(tree, "hostname"),
            pid(tree.get("pid")),
            labels(tree.get("labels")));
    hello.checkLimits();
    return hello;
  }

  private void checkLimits() throws Refused {
    limit("wid", wid, MAX_WID_CHARS);
    limit("hostname", hostname, MAX_HOSTNAME_CHARS);
    if (labels.size() > MAX_LABELS) {
      throw new Refused("more than " + MAX_LABELS + " labels");
    }
    for (String label : labels) {
      limit("a label", label, MAX_LABEL_CHARS);
    }
  }

  private static void limit(String what, String value, int maxChars) throws Refused {
    if (value.length() > maxChars) {
      throw new Refused(what + " is longer than " + maxChars + " characters");
    }
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
