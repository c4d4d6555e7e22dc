package dev.fabrik.server.batch;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobFormatException;
import dev.fabrik.server.OptionKeys;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The batch keys of a job's {@code custom}: {@code bid} on a member ({@code
 * "custom":{"bid":"b-Xh3..."}}), {@code _bid} and {@code _cb} on a callback the server pushed
 * ({@code "custom":{"_bid":"b-Xh3...","_cb":"complete"}}). A stored payload is decoded only when
 * its bytes hold one of the keys, so ACKs of jobs outside batches cost no decode.
 */
final class BatchKeys {
  static final String MEMBER = "bid";
  static final String CALLBACK = "_bid";
  static final String WHICH = "_cb";

  private BatchKeys() {}

  /** Whether a payload with these option keys may carry either batch key. */
  static boolean mayCarry(OptionKeys keys) {
    return keys.has(OptionKeys.Key.BID) || keys.has(OptionKeys.Key.CALLBACK_BID);
  }

  /** The job of a stored payload, or null when it is not readable. */
  static Job decode(byte[] payload) {
    try {
      return JobCodec.decode(payload);
    } catch (JobFormatException | JacksonException e) {
      return null;
    }
  }

  /** The string at {@code custom.<key>}, or null. */
  static String custom(Job job, String key) {
    if (job == null || job.custom() == null) {
      return null;
    }
    JsonNode v = job.custom().get(key);
    return v != null && v.isString() && !v.stringValue().isEmpty() ? v.stringValue() : null;
  }
}
