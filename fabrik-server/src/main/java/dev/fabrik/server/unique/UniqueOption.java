package dev.fabrik.server.unique;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.OptionKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.cfg.JsonNodeFeature;

/**
 * A job's uniqueness as its {@code custom} object asks for it (spec §8.1):
 *
 * <pre>
 * "custom":{"unique_for":60}                              lock for 60 s, released by ACK
 * "custom":{"unique_for":0.5,"unique_until":"start"}      lock for 0.5 s, released by FETCH
 * </pre>
 *
 * @param key SHA-256 (hex) of the job's identity: job type, queue and canonical args (object keys
 *     sorted), so the same args on another queue are another job
 * @param window how long the lock lives from the moment the job is due
 */
public record UniqueOption(String key, Duration window, UniqueUntil until) {

  /** Longest window accepted (about 100 years); beyond that a lock could never expire anyway. */
  static final double MAX_SECONDS = 100 * 365.25 * 86_400;

  private static final ObjectWriter CANONICAL =
      JobCodec.MAPPER.writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED);

  /**
   * The option of a validated job, or null when it has no {@code custom.unique_for} (the plain
   * path: one map lookup).
   *
   * @throws CommandException {@code ERR} when {@code unique_for} is not a positive number of
   *     seconds or {@code unique_until} is neither {@code "success"} nor {@code "start"}
   */
  public static UniqueOption of(Job job) {
    if (job.custom() == null) {
      return null;
    }
    JsonNode uniqueFor = job.custom().get("unique_for");
    if (uniqueFor == null || uniqueFor.isNull()) {
      return null;
    }
    if (!uniqueFor.isNumber()
        || !(uniqueFor.asDouble() > 0)
        || uniqueFor.asDouble() > MAX_SECONDS) {
      throw CommandException.err(
          "custom.unique_for must be a positive number of seconds, got "
              + CommandException.excerpt(uniqueFor.toString()));
    }
    Duration window = Duration.ofNanos(Math.round(uniqueFor.asDouble() * 1e9));
    if (window.isZero()) {
      window = Duration.ofNanos(1);
    }
    return new UniqueOption(key(job), window, until(job.custom().get("unique_until")));
  }

  /**
   * Whether a stored payload with these option keys may carry {@code unique_for}, so ACK and FETCH
   * of plain jobs never decode their payload. False positives (the text inside args) only cost a
   * decode.
   */
  public static boolean mayBeUnique(OptionKeys keys) {
    return keys.has(OptionKeys.Key.UNIQUE_FOR);
  }

  /** The claim of job {@code jid} due at {@code dueAt} (now, or its {@code at}). */
  public UniqueClaim claim(String jid, Instant dueAt) {
    return new UniqueClaim(key, jid, dueAt.plus(window));
  }

  private static UniqueUntil until(JsonNode node) {
    if (node == null || node.isNull()) {
      return UniqueUntil.SUCCESS;
    }
    if (node.isString()) {
      switch (node.asString()) {
        case "success":
          return UniqueUntil.SUCCESS;
        case "start":
          return UniqueUntil.START;
        default:
          break;
      }
    }
    throw CommandException.err(
        "custom.unique_until must be \"success\" or \"start\", got "
            + CommandException.excerpt(node.toString()));
  }

  static String key(Job job) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    sha.update(job.jobtype().getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(job.queue().getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    // Sorted keys need the tree: a PUSHB's args are kept as their bytes (JobCodec.tree).
    sha.update(
        job.args() == null ? new byte[0] : CANONICAL.writeValueAsBytes(JobCodec.tree(job.args())));
    return HexFormat.of().formatHex(sha.digest());
  }
}
