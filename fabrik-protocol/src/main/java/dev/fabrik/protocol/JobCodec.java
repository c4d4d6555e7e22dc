package dev.fabrik.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.core.ErrorReportConfiguration;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
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
      JsonMapper.builder(
              JsonFactory.builder()
                  // A server sends decode errors back to its client: quote 64 characters of the
                  // input at most ("Unrecognized token 'xxxx...'"), not Jackson's 256.
                  .errorReportConfiguration(
                      ErrorReportConfiguration.builder()
                          .maxErrorTokenLength(64)
                          .maxRawContentLength(64)
                          .build())
                  .build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  // The names the job's own fields are written with: copied as bytes, not escaped each time.
  private static final SerializableString JID = new SerializedString("jid");
  private static final SerializableString JOBTYPE = new SerializedString("jobtype");
  private static final SerializableString ARGS = new SerializedString("args");
  private static final SerializableString QUEUE = new SerializedString("queue");
  private static final SerializableString RETRY = new SerializedString("retry");
  private static final SerializableString AT = new SerializedString("at");
  private static final SerializableString CREATED_AT = new SerializedString("created_at");
  private static final SerializableString ENQUEUED_AT = new SerializedString("enqueued_at");

  /** A typical job is 150–400 bytes encoded. */
  private static final int ENCODE_BUFFER = 512;

  private JobCodec() {}

  public static Job decode(String json) {
    return decode(json.getBytes(StandardCharsets.UTF_8));
  }

  public static Job decode(byte[] json) {
    try (JsonParser p = MAPPER.createParser(json)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new JobFormatException("empty input");
      }
      Job job = readJob(p, JsonParser::readValueAsTree);
      if (p.nextToken() != null) {
        throw new JobFormatException("trailing token after the job: " + p.currentToken());
      }
      return job;
    } catch (JacksonException e) {
      throw new JobFormatException(e.getOriginalMessage(), e);
    }
  }

  /** A PUSHB body: a JSON array of jobs. */
  public static List<Job> decodeArray(String json) {
    return decodeArray(json, JsonParser::readValueAsTree);
  }

  /**
   * A PUSHB body, with {@code values} reading {@code args} and unknown fields (the parser on their
   * first token).
   */
  static List<Job> decodeArray(String json, Function<JsonParser, JsonNode> values) {
    try (JsonParser p = MAPPER.createParser(json.getBytes(StandardCharsets.UTF_8))) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new JobFormatException("empty input");
      }
      if (first != JsonToken.START_ARRAY) {
        throw new JobFormatException("expected a JSON array of jobs");
      }
      List<Job> jobs = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        jobs.add(readJob(p, values));
      }
      if (p.nextToken() != null) {
        throw new JobFormatException("trailing token after the array: " + p.currentToken());
      }
      return jobs;
    } catch (JacksonException e) {
      throw new JobFormatException(e.getOriginalMessage(), e);
    }
  }

  /**
   * {@code value} (a job's {@code args} or unknown field) as a JSON tree: a PUSHB keeps them as
   * their stored bytes ({@link BulkJobDecoder}), which only code that walks the value needs to
   * decode, e.g. to write its object keys sorted.
   */
  public static JsonNode tree(JsonNode value) {
    return value == null ? null : RawJson.tree(value);
  }

  public static byte[] encode(Job job) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ENCODE_BUFFER);
    try (JsonGenerator g = MAPPER.createGenerator(out)) {
      write(job, g);
    }
    return out.toByteArray();
  }

  public static String encodeToString(Job job) {
    return new String(encode(job), StandardCharsets.UTF_8);
  }

  /** A PUSHB body: {@code [{...},{...}]}. */
  public static String encodeArray(List<Job> jobs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ENCODE_BUFFER * jobs.size());
    try (JsonGenerator g = MAPPER.createGenerator(out)) {
      g.writeStartArray();
      for (Job job : jobs) {
        write(job, g);
      }
      g.writeEndArray();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Writes the job's fields in their stable order, straight to the generator: no tree in between
   * (PUSH encodes every job once, so this is on the hot path).
   */
  static void write(Job job, JsonGenerator g) {
    write(job, g, null);
  }

  /** {@link #write}, with the values repeated across a batch's jobs cached in {@code repeated}. */
  static void write(Job job, JsonGenerator g, RepeatedStrings repeated) {
    g.writeStartObject();
    writeIfPresent(g, JID, job.jid(), null, 0);
    writeIfPresent(g, JOBTYPE, job.jobtype(), repeated, RepeatedStrings.JOBTYPE);
    if (job.args() != null) {
      g.writeName(ARGS);
      RawJson.write(job.args(), g);
    }
    writeIfPresent(g, QUEUE, job.queue(), repeated, RepeatedStrings.QUEUE);
    if (job.retry() != null) {
      g.writeName(RETRY);
      g.writeNumber(job.retry().intValue());
    }
    if (job.reserveFor() != null && job.reserveFor() != 0) {
      g.writeNumberProperty("reserve_for", job.reserveFor().intValue());
    }
    writeIfPresent(g, AT, job.at(), repeated, RepeatedStrings.AT);
    writeIfPresent(g, CREATED_AT, job.createdAt(), repeated, RepeatedStrings.CREATED_AT);
    writeIfPresent(g, ENQUEUED_AT, job.enqueuedAt(), repeated, RepeatedStrings.ENQUEUED_AT);
    if (job.backtrace() != null && job.backtrace() != 0) {
      g.writeNumberProperty("backtrace", job.backtrace().intValue());
    }
    if (job.custom() != null) {
      g.writeName("custom");
      g.writeTree(job.custom());
    }
    if (job.failure() != null) {
      g.writeName("failure");
      writeFailure(job.failure(), g);
    }
    for (Map.Entry<String, JsonNode> e : job.extra().entrySet()) {
      g.writeName(e.getKey());
      RawJson.write(e.getValue(), g);
    }
    g.writeEndObject();
  }

  private static void writeIfPresent(
      JsonGenerator g, SerializableString name, String value, RepeatedStrings repeated, int slot) {
    if (value == null || value.isEmpty()) {
      return;
    }
    g.writeName(name);
    if (repeated == null) {
      g.writeString(value);
    } else {
      repeated.write(g, slot, value);
    }
  }

  /**
   * Reads one job object, the parser on its {@code START_OBJECT}; leaves it on the matching {@code
   * END_OBJECT}. Known scalar fields are read from the token stream; {@code custom} and {@code
   * failure} become trees, {@code args} and unknown fields whatever {@code values} makes of them
   * (trees, or {@link RawJson} for a PUSHB that stores them as they are).
   */
  private static Job readJob(JsonParser p, Function<JsonParser, JsonNode> values) {
    if (p.currentToken() != JsonToken.START_OBJECT) {
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
    Map<String, JsonNode> extra = null;
    String name;
    while ((name = p.nextName()) != null) {
      JsonToken t = p.nextToken();
      switch (name) {
        case "jid" -> jid = string(name, p, t);
        case "jobtype" -> jobtype = string(name, p, t);
        case "args" -> {
          if (t != JsonToken.VALUE_NULL && t != JsonToken.START_ARRAY) {
            throw new JobFormatException("args must be an array");
          }
          args = t == JsonToken.VALUE_NULL ? null : values.apply(p);
        }
        case "queue" -> queue = string(name, p, t);
        case "retry" -> retry = integer(name, p, t);
        case "reserve_for" -> reserveFor = integer(name, p, t);
        case "at" -> at = string(name, p, t);
        case "created_at" -> createdAt = string(name, p, t);
        case "enqueued_at" -> enqueuedAt = string(name, p, t);
        case "backtrace" -> backtrace = integer(name, p, t);
        case "custom" -> {
          if (t != JsonToken.VALUE_NULL && t != JsonToken.START_OBJECT) {
            throw new JobFormatException("custom must be an object");
          }
          custom = t == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
        }
        case "failure" -> {
          JsonNode v = p.readValueAsTree();
          failure = v.isNull() ? null : failure(v);
        }
        default -> {
          if (extra == null) {
            extra = new LinkedHashMap<>();
          }
          extra.put(name, values.apply(p));
        }
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new JobFormatException("a job must be a JSON object");
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
        backtrace,
        fingerprint(v.get("fingerprint")));
  }

  private static void writeFailure(Failure f, JsonGenerator g) {
    g.writeStartObject();
    g.writeNumberProperty("retry_count", f.retryCount());
    g.writeNumberProperty("remaining", f.remaining());
    writeIfPresent(g, "failed_at", f.failedAt());
    writeIfPresent(g, "next_at", f.nextAt());
    writeIfPresent(g, "message", f.message());
    writeIfPresent(g, "errtype", f.errtype());
    if (!f.backtrace().isEmpty()) {
      g.writeArrayPropertyStart("backtrace");
      for (String line : f.backtrace()) {
        g.writeString(line);
      }
      g.writeEndArray();
    }
    writeIfPresent(g, "fingerprint", f.fingerprint());
    g.writeEndObject();
  }

  private static void writeIfPresent(JsonGenerator g, String name, String value) {
    if (value != null && !value.isEmpty()) {
      g.writeStringProperty(name, value);
    }
  }

  private static String string(String name, JsonParser p, JsonToken t) {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw new JobFormatException(name + " must be a string");
    }
    return p.getString();
  }

  private static Integer integer(String name, JsonParser p, JsonToken t) {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
      throw new JobFormatException(name + " must be an integer");
    }
    return p.getIntValue();
  }

  /**
   * The server writes the fingerprint; a job pushed with some other value there is not refused for
   * it (the next FAIL replaces it).
   */
  private static String fingerprint(JsonNode v) {
    return v != null && v.isString() ? v.stringValue() : null;
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
