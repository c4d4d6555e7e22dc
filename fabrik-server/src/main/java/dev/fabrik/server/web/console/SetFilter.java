package dev.fabrik.server.web.console;

/**
 * What a Retries/Scheduled/Dead page is filtered and ordered by, as the filter form holds it.
 *
 * @param jobtype only entries of this job type; null or blank for all
 * @param text a case-sensitive substring of the payload (args, error message...); null or blank for
 *     all
 * @param descending newest (highest score) first instead of soonest first
 */
public record SetFilter(String jobtype, String text, boolean descending) {
  /** Every entry, soonest first. */
  public static final SetFilter ALL = new SetFilter(null, null, false);

  public SetFilter {
    jobtype = jobtype == null || jobtype.isBlank() ? null : jobtype.strip();
    text = text == null || text.isEmpty() ? null : text;
  }

  /** True when entries are filtered (not merely ordered). */
  public boolean filtered() {
    return jobtype != null || text != null;
  }
}
