package dev.fabrik.server.web.console;

import dev.fabrik.server.storage.SetQuery;

/**
 * What a Retries/Scheduled/Dead page is filtered and ordered by, as the filter form holds it.
 *
 * @param jobtype only entries of this job type; null or blank for all
 * @param text a substring of the stored payload JSON (args, error message, backtrace...), ASCII
 *     case ignored; null or blank for all
 * @param descending newest (highest score) first instead of soonest first
 * @param fingerprint only entries of this failure group; null or blank for all
 */
public record SetFilter(String jobtype, String text, boolean descending, String fingerprint) {
  /** Every entry, soonest first. */
  public static final SetFilter ALL = new SetFilter(null, null, false);

  public SetFilter {
    jobtype = jobtype == null || jobtype.isBlank() ? null : jobtype.strip();
    text = text == null || text.isBlank() ? null : text;
    fingerprint = fingerprint == null || fingerprint.isBlank() ? null : fingerprint.strip();
  }

  /** A filter of any failure group. */
  public SetFilter(String jobtype, String text, boolean descending) {
    this(jobtype, text, descending, null);
  }

  /**
   * The {@code order} parameter of the API and the pages: {@code asc} (soonest first, the default
   * when absent) or {@code desc} (newest first).
   *
   * @throws ConsoleException BAD_REQUEST for any other value
   */
  public static boolean descending(String order) {
    return switch (order == null ? "asc" : order) {
      case "asc" -> false;
      case "desc" -> true;
      default ->
          throw ConsoleException.badRequest("order must be asc or desc, not \"" + order + "\"");
    };
  }

  /** True when entries are filtered (not merely ordered). */
  public boolean filtered() {
    return jobtype != null || text != null || fingerprint != null;
  }

  /**
   * The store's query for this filter.
   *
   * @throws ConsoleException BAD_REQUEST when the type or text is too long
   */
  SetQuery query() {
    try {
      return new SetQuery(jobtype, text, descending, fingerprint);
    } catch (IllegalArgumentException e) {
      throw ConsoleException.badRequest(e.getMessage());
    }
  }
}
