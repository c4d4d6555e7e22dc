package dev.fabrik.server.web.console;

import dev.fabrik.server.tracking.TrackRecord;
import dev.fabrik.server.tracking.TrackStore;
import dev.fabrik.server.tracking.TrackedJobs;
import java.time.Instant;

/**
 * What the tracking of a job (pushed with {@code custom.track = 1}) says, for the Busy page's
 * progress bars and the job page.
 *
 * @param state the tracked state ({@code working}, {@code success}...)
 * @param percent the last percent the worker reported, or null
 * @param desc the last description the worker reported, or null
 */
public record JobProgress(String state, Integer percent, String desc) {

  /**
   * The progress of the job stored as {@code payload}, or null when it is not tracked or has no
   * record (a finished job's record is kept 30 minutes).
   */
  static JobProgress of(TrackStore tracks, String jid, byte[] payload, Instant now) {
    if (!TrackedJobs.tracked(payload)) {
      return null;
    }
    return of(tracks.get(jid).orElse(null), now);
  }

  /** The progress a record says, or null for none or an expired one. */
  static JobProgress of(TrackRecord r, Instant now) {
    if (r == null || r.expiredAt(now)) {
      return null;
    }
    return new JobProgress(r.state().wireName(), r.percent(), r.desc());
  }

  /** The text beside a bar: {@code 40% resizing}, or the state when nothing was reported. */
  public String label() {
    if (percent == null && desc == null) {
      return state;
    }
    return (percent == null ? "" : percent + "%")
        + (desc == null ? "" : (percent == null ? "" : " ") + desc);
  }
}
