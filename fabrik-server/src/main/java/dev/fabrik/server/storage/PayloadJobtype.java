package dev.fabrik.server.storage;

import dev.fabrik.protocol.JobCodec;
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
