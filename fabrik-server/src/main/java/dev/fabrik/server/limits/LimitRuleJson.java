package dev.fabrik.server.limits;

import dev.fabrik.protocol.JobCodec;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A rule as JSON, the form of {@code /api/limits} and of the PostgreSQL {@code limit_rules} rows:
 *
 * <pre>
 * {"scope":"jobtype","name":"SendEmail","concurrency":2,"worker":0,"timeout":60,
 *  "rate":100,"period":60,"key":"custom.tenant"}
 * </pre>
 *
 * Durations are whole seconds; absent numbers are 0, absent timeout/period/key null.
 */
public final class LimitRuleJson {
  private LimitRuleJson() {}

  public static ObjectNode toJson(LimitRule r) {
    ObjectNode o = JobCodec.MAPPER.createObjectNode();
    o.put("id", r.id());
    o.put("scope", r.scope().word());
    o.put("name", r.name());
    o.put("concurrency", r.concurrency());
    o.put("worker", r.worker());
    if (r.timeout() != null) {
      o.put("timeout", r.timeout().toSeconds());
    }
    o.put("rate", r.rate());
    if (r.period() != null) {
      o.put("period", r.period().toSeconds());
    }
    if (r.key() != null) {
      o.put("key", r.key());
    }
    return o;
  }

  public static String toText(LimitRule r) {
    return toJson(r).toString();
  }

  /**
   * Reads a rule; anything malformed is an {@link IllegalArgumentException} whose message says
   * what.
   */
  public static LimitRule parse(String json) {
    JsonNode o;
    try {
      o = JobCodec.MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage());
    }
    return parse(o);
  }

  /** {@link #parse(String)} of a parsed document. */
  public static LimitRule parse(JsonNode o) {
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("a limit must be a JSON object");
    }
    return new LimitRule(
        LimitRule.Scope.of(text(o, "scope", "queue")),
        text(o, "name", null),
        count(o, "concurrency"),
        count(o, "worker"),
        seconds(o, "timeout"),
        count(o, "rate"),
        seconds(o, "period"),
        text(o, "key", null));
  }

  private static String text(JsonNode o, String field, String absent) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (!v.isString()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return v.asString();
  }

  private static int count(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new IllegalArgumentException(field + " must be a whole number");
    }
    return v.intValue();
  }

  private static Duration seconds(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(field + " must be whole seconds");
    }
    return Duration.ofSeconds(v.longValue());
  }
}
