package dev.fabrik.server.storage;

import dev.fabrik.protocol.JobCodec;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The {@code failure} parts of a stored payload that the memory store groups by (the SQL stores
 * read them with JSON functions). A payload without {@code "fingerprint"} in its bytes is not
 * parsed: most set entries (scheduled jobs) have none.
 */
public record PayloadFailure(String fingerprint, String errtype, String message, String jobtype) {

  private static final byte[] MARK = "\"fingerprint\"".getBytes(StandardCharsets.US_ASCII);

  /** The failure of {@code payload}, or null when it has no fingerprint (or is not JSON). */
  public static PayloadFailure of(byte[] payload) {
    if (!contains(payload, MARK)) {
      return null;
    }
    try {
      JsonNode job = JobCodec.MAPPER.readTree(payload);
      JsonNode failure = job.get("failure");
      if (failure == null || !failure.isObject()) {
        return null;
      }
      String fingerprint = text(failure.get("fingerprint"));
      if (fingerprint == null) {
        return null;
      }
      return new PayloadFailure(
          fingerprint,
          text(failure.get("errtype")),
          text(failure.get("message")),
          text(job.get("jobtype")));
    } catch (JacksonException e) {
      return null;
    }
  }

  /** Just the fingerprint, or null. */
  public static String fingerprint(byte[] payload) {
    PayloadFailure f = of(payload);
    return f == null ? null : f.fingerprint();
  }

  private static String text(JsonNode n) {
    return n != null && n.isString() ? n.asString() : null;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
