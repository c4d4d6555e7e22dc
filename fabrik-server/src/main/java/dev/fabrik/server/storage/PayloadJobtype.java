package dev.fabrik.server.storage;

import dev.fabrik.protocol.JobCodec;
import tools.jackson.core.JacksonException;
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
}
