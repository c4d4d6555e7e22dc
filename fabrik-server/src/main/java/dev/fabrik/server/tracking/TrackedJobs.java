package dev.fabrik.server.tracking;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobFormatException;
import dev.fabrik.server.OptionKeys;
import dev.fabrik.server.storage.Reservation;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Whether a job asked to be tracked ({@code "custom":{"track":1}}). Asked on every PUSH, FETCH, ACK
 * and FAIL, so an untracked job must cost next to nothing: a pushed job is already decoded (one map
 * lookup), and a reserved job's payload is only decoded when its bytes contain {@code "track"}.
 */
public final class TrackedJobs {
  private TrackedJobs() {}

  /** True when the job's {@code custom.track} is 1 (or {@code true}, or {@code "1"}). */
  public static boolean tracked(Job job) {
    return job.custom() != null && isOn(job.custom().get("track"));
  }

  /** The same for a reserved job, whose option keys are shared with the other hooks. */
  public static boolean tracked(Reservation r) {
    return r.options().has(OptionKeys.Key.TRACK) && decodedTracked(r.payload());
  }

  /** The same for a stored payload; false for one that is not a job. */
  public static boolean tracked(byte[] payload) {
    return OptionKeys.of(payload).has(OptionKeys.Key.TRACK) && decodedTracked(payload);
  }

  private static boolean decodedTracked(byte[] payload) {
    try {
      return tracked(JobCodec.decode(payload));
    } catch (JobFormatException | JacksonException e) {
      return false;
    }
  }

  /** 1 as Faktory's clients send it; {@code true} and {@code "1"} as people write it by hand. */
  private static boolean isOn(JsonNode value) {
    if (value == null) {
      return false;
    }
    if (value.isIntegralNumber()) {
      return value.asLong() == 1;
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    return value.isString() && value.asString().equals("1");
  }
}
