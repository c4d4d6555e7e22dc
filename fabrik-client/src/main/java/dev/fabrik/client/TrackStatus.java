package dev.fabrik.client;

import java.time.Instant;
import java.util.Locale;

/**
 * What the server knows of a job pushed with {@code custom.track = 1} (see {@link
 * JobBuilder#tracked()}), from {@code TRACK GET <jid>}:
 *
 * <pre>{"jid":"...","percent":40,"desc":"resizing","state":"working","updated_at":"..."}</pre>
 *
 * @param percent the last percent the job's worker reported, or null
 * @param desc the last description the job's worker reported, or null
 * @param updatedAt when the state or progress last changed; null when the state is unknown
 */
public record TrackStatus(
    String jid, State state, Integer percent, String desc, Instant updatedAt) {

  /** Where the job is. A job never tracked, or finished more than 30 minutes ago, is UNKNOWN. */
  public enum State {
    UNKNOWN,
    ENQUEUED,
    WORKING,
    SUCCESS,
    FAILED,
    DEAD;

    /** The state with this wire name ({@code "working"}); UNKNOWN for any other text. */
    public static State fromWire(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return UNKNOWN;
      }
    }
  }
}
