package dev.fabrik.server.tracking;

/**
 * Where a tracked job is in its life, as {@code TRACK GET} reports it (spec §8.5). A job that was
 * never tracked, or whose record was purged, is {@link #UNKNOWN}.
 */
public enum TrackState {
  UNKNOWN("unknown"),
  ENQUEUED("enqueued"),
  WORKING("working"),
  SUCCESS("success"),
  FAILED("failed"),
  DEAD("dead");

  private final String wireName;

  TrackState(String wireName) {
    this.wireName = wireName;
  }

  /** The lowercase name on the wire and in the store. */
  public String wireName() {
    return wireName;
  }

  /** The state with this wire name; {@link #UNKNOWN} for anything else. */
  public static TrackState fromWire(String name) {
    for (TrackState s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    return UNKNOWN;
  }

  /** Success, failure or death: the record expires a while after this. */
  public boolean finished() {
    return this == SUCCESS || this == FAILED || this == DEAD;
  }
}
