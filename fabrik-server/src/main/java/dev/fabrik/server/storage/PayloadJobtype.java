package dev.fabrik.server.storage;

import dev.fabrik.protocol.JobCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * The top-level {@code jobtype} of a stored payload, for stores that index set entries by job type
 * (the UI's filter). A payload a store cannot read as a job has none.
 */
public final class PayloadJobtype {
  private PayloadJobtype() {}

  /** The payload's top-level {@code jobtype} string, or null (not JSON, absent, not a string). */
  public static String of(byte[] payload) {
    try {
      JsonNode type = JobCodec.MAPPER.readTree(payload).get("jobtype");
      return type != null && type.isString() ? type.asString() : null;
    } catch (JacksonException e) {
      return null;
    }
  }

  /**
   * {@link #of} for a hot path (the history counts every ACK): streams the tokens and stops at the
   * top-level {@code jobtype} (the second field of the payloads the server encodes), so the args
   * are skipped, not decoded.
   */
  public static String streamed(byte[] payload) {
    String leading = leading(payload);
    return leading != null ? leading : parsed(payload);
  }

  private static final byte[] JID_OPEN = "{\"jid\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TYPE_OPEN = "\",\"jobtype\":\"".getBytes(StandardCharsets.US_ASCII);

  /**
   * The job type of a payload as the server encodes it, {@code {"jid":"…","jobtype":"…",…}}, read
   * without a parser (a parser per ACK was ~10 % of a node's CPU in a PostgreSQL drain). Null when
   * the payload starts any other way, or when the jid or the type holds an escape, a control
   * character or a non-ASCII byte: the parser decides those.
   */
  static String leading(byte[] payload) {
    if (!startsWith(payload, 0, JID_OPEN)) {
      return null;
    }
    int i = JID_OPEN.length;
    while (i < payload.length && payload[i] != '"') {
      if (!plain(payload[i])) {
        return null;
      }
      i++;
    }
    if (!startsWith(payload, i, TYPE_OPEN)) {
      return null;
    }
    int start = i + TYPE_OPEN.length;
    for (int j = start; j < payload.length; j++) {
      if (payload[j] == '"') {
        return new String(payload, start, j - start, StandardCharsets.US_ASCII);
      }
      if (!plain(payload[j])) {
        return null;
      }
    }
    return null;
  }

  /** A byte that stands for itself inside a JSON string: printable ASCII, no backslash. */
  private static boolean plain(byte b) {
    return b >= 0x20 && b != '\\'; // bytes >= 0x80 are negative
  }

  private static boolean startsWith(byte[] payload, int at, byte[] prefix) {
    return payload.length - at >= prefix.length
        && Arrays.equals(payload, at, at + prefix.length, prefix, 0, prefix.length);
  }

  private static String parsed(byte[] payload) {
    try (JsonParser p = JobCodec.MAPPER.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("jobtype")) {
          return value == JsonToken.VALUE_STRING ? p.getString() : null;
        }
        p.skipChildren();
      }
      return null;
    } catch (JacksonException e) {
      return null;
    }
  }
}
