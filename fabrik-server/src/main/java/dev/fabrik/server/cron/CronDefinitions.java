package dev.fabrik.server.cron;

import dev.fabrik.protocol.JobCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a cron definition, the same JSON shape whether it came from a {@code [[cron]]} table or
 * from {@code POST /api/cron}:
 *
 * <pre>
 * {"name":"nightly-rollup",                     optional; the entry's id (else a hash)
 *  "schedule":"30 2 * * *",                     required
 *  "timezone":"Europe/Berlin",                  optional, default UTC
 *  "catch_up":"last",                           optional: none | last | all
 *  "job":{"type":"RollupJob","queue":"reports","args":[1,2],"retry":3,
 *         "custom":{"expires_in":60}}}          "type" (Faktory's cron) or "jobtype"
 * </pre>
 *
 * Structural errors only; whether the job itself is acceptable (queue name, size) is the manager's
 * call, made when the entry is loaded ({@link CronService}).
 */
public final class CronDefinitions {
  private static final Set<String> KEYS = Set.of("name", "schedule", "timezone", "catch_up", "job");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}");

  private CronDefinitions() {}

  /**
   * @param source where the definition came from, for {@link CronEntry#source()}
   * @throws IllegalArgumentException naming the first problem
   */
  public static CronEntry parse(ObjectNode definition, String source) {
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : definition.properties()) {
      if (!KEYS.contains(e.getKey())) {
        unknown.add(e.getKey());
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown key(s) "
              + unknown
              + "; a cron entry has name, schedule, timezone, catch_up, job");
    }
    String name = optionalString(definition, "name");
    if (name != null && !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name \"" + name + "\" must be 1-100 letters, digits or _ . : - (starting alphanumeric)");
    }
    String expression = optionalString(definition, "schedule");
    if (expression == null) {
      throw new IllegalArgumentException("schedule is missing, e.g. schedule = \"*/5 * * * *\"");
    }
    String tz = optionalString(definition, "timezone");
    ZoneId zone;
    try {
      zone = tz == null ? ZoneId.of("UTC") : ZoneId.of(tz);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "unknown timezone \"" + tz + "\": use an IANA name like Europe/Berlin", e);
    }
    String catchUpText = optionalString(definition, "catch_up");
    CatchUp catchUp = catchUpText == null ? CatchUp.LAST : CatchUp.parse(catchUpText);
    Schedule schedule = Schedule.parse(expression, zone);
    ObjectNode job = jobTemplate(definition.get("job"));

    ObjectNode canonical = JobCodec.MAPPER.createObjectNode();
    if (name != null) {
      canonical.put("name", name);
    }
    canonical.put("schedule", expression);
    canonical.put("timezone", zone.getId());
    canonical.put("catch_up", catchUp.wireName());
    canonical.set("job", job);
    String id = name != null ? name : "h-" + hash(canonical);
    return new CronEntry(id, name, expression, zone, catchUp, job, source, schedule, canonical);
  }

  private static ObjectNode jobTemplate(JsonNode node) {
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException("job is missing: [cron.job] with at least type = \"...\"");
    }
    if (!(node instanceof ObjectNode given)) {
      throw new IllegalArgumentException("job must be a table/object, not " + node.getNodeType());
    }
    ObjectNode job = given.deepCopy();
    JsonNode type = job.remove("type");
    if (type != null) {
      if (job.has("jobtype")) {
        throw new IllegalArgumentException("job has both type and jobtype; give one");
      }
      job.set("jobtype", type);
    }
    if (!job.path("jobtype").isString() || job.path("jobtype").asString().isBlank()) {
      throw new IllegalArgumentException("job.type is missing or not a string");
    }
    if (!job.has("args")) {
      job.putArray("args"); // optional in [cron.job]; PUSH requires it
    }
    for (String banned : List.of("jid", "at", "created_at", "enqueued_at")) {
      if (job.has(banned)) {
        throw new IllegalArgumentException(
            "job." + banned + " is set by each tick and may not be given");
      }
    }
    return job;
  }

  private static String optionalString(ObjectNode definition, String key) {
    JsonNode v = definition.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isString()) {
      throw new IllegalArgumentException(key + " must be a string, not " + v.getNodeType());
    }
    return v.asString();
  }

  /** 16 hex digits of SHA-256 over the definition with keys sorted at every level. */
  static String hash(ObjectNode canonical) {
    StringBuilder b = new StringBuilder();
    sorted(canonical, b);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sorted(JsonNode node, StringBuilder out) {
    if (node instanceof ObjectNode o) {
      out.append('{');
      o.propertyNames().stream()
          .sorted()
          .forEach(
              k -> {
                out.append(JobCodec.MAPPER.writeValueAsString(k)).append(':');
                sorted(o.get(k), out);
                out.append(',');
              });
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (JsonNode child : node) {
        sorted(child, out);
        out.append(',');
      }
      out.append(']');
    } else {
      out.append(node.toString());
    }
  }
}
