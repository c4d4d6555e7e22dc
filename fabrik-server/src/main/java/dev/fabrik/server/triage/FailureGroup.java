package dev.fabrik.server.triage;

import dev.fabrik.server.storage.SetEntry;
import java.time.Instant;
import java.util.Map;

/**
 * The entries of one set (retries or dead) that share a fingerprint, as the store keeps them.
 *
 * @param fingerprint {@link Fingerprint#hash()}
 * @param count entries in the set now
 * @param firstSeen when the first of the group's entries still counted entered the set (see
 *     docs/triage.md: on PostgreSQL the oldest since the group's rows were created)
 * @param lastSeen when the latest entry entered the set
 * @param errtype the latest entry's error type
 * @param message the latest entry's message, unmasked (show {@link #maskedMessage()})
 * @param sample the key of the latest entry that entered the set (it may have left it since)
 * @param jobtypes entries per job type ("" for a payload without one), only those above zero
 */
public record FailureGroup(
    String fingerprint,
    long count,
    Instant firstSeen,
    Instant lastSeen,
    String errtype,
    String message,
    SetEntry.Key sample,
    Map<String, Long> jobtypes) {

  public FailureGroup {
    jobtypes = Map.copyOf(jobtypes);
  }

  /** The message as grouped: numbers, ids and quoted values masked. */
  public String maskedMessage() {
    return MessageMask.mask(message == null ? "" : message);
  }

  /** How a list of groups is sorted: most entries first, or most recently seen first. */
  public enum Order {
    COUNT,
    LAST_SEEN;

    /** {@code count} or {@code last_seen} (the API's and the page's parameter); null → COUNT. */
    public static Order parse(String s) {
      if (s == null || s.isEmpty() || s.equals("count")) {
        return COUNT;
      }
      if (s.equals("last_seen")) {
        return LAST_SEEN;
      }
      throw new IllegalArgumentException("sort must be count or last_seen");
    }
  }
}
