package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.console.SetListing;
import java.time.Instant;

/** A page of a sorted set with the filter that produced it; links keep the filter. */
public record SetPage(Chrome chrome, SetView view, SetListing listing, Instant now) {

  /** The job type filter as typed, or "". */
  public String jobtype() {
    return listing.filter().jobtype() == null ? "" : listing.filter().jobtype();
  }

  /** The text filter as typed, or "". */
  public String text() {
    return listing.filter().text() == null ? "" : listing.filter().text();
  }

  /** The failure group filter ({@code fp}), or "". */
  public String fingerprint() {
    return listing.filter().fingerprint() == null ? "" : listing.filter().fingerprint();
  }

  public boolean newestFirst() {
    return listing.filter().descending();
  }

  /** This set's page after {@code cursor} (null: the first page), with the same filter. */
  public String href(String cursor) {
    StringBuilder q = new StringBuilder();
    if (!jobtype().isEmpty()) {
      q.append("&type=").append(Display.q(jobtype()));
    }
    if (!text().isEmpty()) {
      q.append("&q=").append(Display.q(text()));
    }
    if (!fingerprint().isEmpty()) {
      q.append("&fp=").append(Display.q(fingerprint()));
    }
    if (newestFirst()) {
      q.append("&order=desc");
    }
    if (cursor != null) {
      q.append("&cursor=").append(Display.q(cursor));
    }
    return q.isEmpty() ? view.path() : view.path() + "?" + q.substring(1);
  }

  /** The detail page of the entry with {@code key}. */
  public String entryHref(String key) {
    return view.path() + "/" + Display.seg(key);
  }
}
