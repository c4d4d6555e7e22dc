package dev.fabrik.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes the job wire form. Decoding is strict about the types of known fields (a {@code
 * "jid":12} is an error, as it is for the reference server's typed decoder) and keeps everything
 * else. Encoding is compact JSON in a stable key order.
 */
public final class JobCodec {
  /**
   * Shared, thread-safe. Floats are read as BigDecimal so {@code 1.10} comes back as {@code 1.10}.
   */
  public static final JsonMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

  private JobCodec() {}

  public static Job decode(String json) {
    return fromTree(readTree(json.getBytes(StandardCharsets.UTF_8)));
  }

  public static Job decode(byte[] json) {
    return fromTree(readTree(json));
  }

  /** A PUSHB body: a JSON array of jobs. */
  public static List<Job> decodeArray(String json) {
    JsonNode tree = readTree(json.getBytes(StandardCharsets.UTF_8));
    if (!tree.isArray()) {
      throw new JobFormatException("expected a JSON array of jobs");
    }
    List<Job> jobs = new ArrayList<>(tree.size());
    for (JsonNode element : tree) {
      jobs.add(fromTree(element));
    }
    return jobs;
  }

  public static byte[] encode(Job job) {
    return MAPPER.writeValueAsBytes(toTree(job));
  }

  public static String encodeToString(Job job) {
    return new String(encode(job), StandardCharsets.UTF_8);
  }

  public static ObjectNode toTree(Job job) {
    ObjectNode o = NODES.objectNode();
    putIfPresent(o, "jid", job.jid());
    putIfPresent(o, "jobtype", job.jobtype());
    if (job.args() != null) {
      o.set("args", job.args());
    }
    putIfPresent(o, "queue", job.queue());
    if (job.retry() != null) {
      o.put("retry", job.retry().intValue());
    }
    if (job.reserveFor() != null && job.reserveFor() != 0) {
      o.put("reserve_for", job.reserveFor().intValue());
    }
    putIfPresent(o, "at", job.at());
    putIfPresent(o, "created_at", job.createdAt());
    putIfPresent(o, "enqueued_at", job.enqueuedAt());
    if (job.backtrace() != null && job.backtrace() != 0) {
      o.put("backtrace", job.backtrace().intValue());
    }
    if (job.custom() != null) {
      o.set("custom", job.custom());
    }
    if (job.failure() != null) {
      o.set("failure", failureTree(job.failure()));
    }
    for (Map.Entry<String, JsonNode> e : job.extra().entrySet()) {
      o.set(e.getKey(), e.getValue());
    }
    return o;
  }

  private static JsonNode readTree(byte[] json) {
    try {
      JsonNode tree = MAPPER.readTree(json);
      if (tree == null || tree.isMissingNode()) {
        throw new JobFormatException("empty input");
      }
      return tree;
    } catch (JacksonException e) {
      throw new JobFormatException(e.getOriginalMessage(), e);
    }
  }

  private static Job fromTree(JsonNode tree) {
    if (!tree.isObject()) {
      throw new JobFormatException("a job must be a JSON object");
    }
    String jid = null;
    String jobtype = null;
    JsonNode args = null;
    String queue = null;
    Integer retry = null;
    Integer reserveFor = null;
    String at = null;
    String createdAt = null;
    String enqueuedAt = null;
    Integer backtrace = null;
    ObjectNode custom = null;
    Failure failure = null;
    Map<String, JsonNode> extra = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : tree.properties()) {
      String name = field.getKey();
      JsonNode v = field.getValue();
      switch (name) {
        case "jid" -> jid = string(name, v);
        case "jobtype" -> jobtype = string(name, v);
        case "args" -> {
          if (!v.isNull() && !v.isArray()) {
            throw new JobFormatException("args must be an array");
          }
          args = v.isNull() ? null : v;
        }
        case "queue" -> queue = string(name, v);
        case "retry" -> retry = integer(name, v);
        case "reserve_for" -> reserveFor = integer(name, v);
        case "at" -> at = string(name, v);
        case "created_at" -> createdAt = string(name, v);
        case "enqueued_at" -> enqueuedAt = string(name, v);
        case "backtrace" -> backtrace = integer(name, v);
        case "custom" -> {
          if (!v.isNull() && !v.isObject()) {
            throw new JobFormatException("custom must be an object");
          }
          custom = v.isNull() ? null : (ObjectNode) v;
        }
        case "failure" -> failure = v.isNull() ? null : failure(v);
        default -> extra.put(name, v);
      }
    }
    return new Job(
        jid,
        jobtype,
        args,
        queue,
        retry,
        reserveFor,
        at,
        createdAt,
        enqueuedAt,
        backtrace,
        custom,
        failure,
        extra);
  }

  private static Failure failure(JsonNode v) {
    if (!v.isObject()) {
      throw new JobFormatException("failure must be an object");
    }
    Integer retryCount = integer("failure.retry_count", v.get("retry_count"));
    Integer remaining = integer("failure.remaining", v.get("remaining"));
    List<String> backtrace = new ArrayList<>();
    JsonNode bt = v.get("backtrace");
    if (bt != null && bt.isArray()) {
      for (JsonNode line : bt) {
        backtrace.add(line.isString() ? line.stringValue() : line.toString());
      }
    }
    return new Failure(
        retryCount == null ? 0 : retryCount,
        remaining == null ? 0 : remaining,
        string("failure.failed_at", v.get("failed_at")),
        string("failure.next_at", v.get("next_at")),
        string("failure.message", v.get("message")),
        string("failure.errtype", v.get("errtype")),
        backtrace);
  }

  private static ObjectNode failureTree(Failure f) {
    ObjectNode o = NODES.objectNode();
    o.put("retry_count", f.retryCount());
    o.put("remaining", f.remaining());
    putIfPresent(o, "failed_at", f.failedAt());
    putIfPresent(o, "next_at", f.nextAt());
    putIfPresent(o, "message", f.message());
    putIfPresent(o, "errtype", f.errtype());
    if (!f.backtrace().isEmpty()) {
      ArrayNode lines = o.putArray("backtrace");
      f.backtrace().forEach(lines::add);
    }
    return o;
  }

  private static void putIfPresent(ObjectNode o, String name, String value) {
    if (value != null && !value.isEmpty()) {
      o.put(name, value);
    }
  }

  private static String string(String name, JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isString()) {
      throw new JobFormatException(name + " must be a string");
    }
    return v.stringValue();
  }

  private static Integer integer(String name, JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new JobFormatException(name + " must be an integer");
    }
    return v.intValue();
  }
}
