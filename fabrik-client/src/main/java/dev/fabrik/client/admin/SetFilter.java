package dev.fabrik.client.admin;

/**
 * The web UI's filter of a set page or a bulk action.
 *
 * @param jobtype only this job type (exact); null for any
 * @param text only entries whose stored JSON contains this text, ASCII case ignored; null for any
 * @param descending newest (latest score) first; pages only, bulk actions ignore it
 */
public record SetFilter(String jobtype, String text, boolean descending) {
  /** Everything, soonest first. */
  public static final SetFilter ALL = new SetFilter(null, null, false);

  public SetFilter {
    jobtype = jobtype == null || jobtype.isBlank() ? null : jobtype.strip();
    text = text == null || text.isEmpty() ? null : text;
  }

  public static SetFilter of(String jobtype, String text) {
    return new SetFilter(jobtype, text, false);
  }

  public boolean filtered() {
    return jobtype != null || text != null;
  }
}
