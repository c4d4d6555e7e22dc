package dev.fabrik.server.web.ui;

import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.triage.FailureGroup;
import dev.fabrik.server.triage.FailureListing;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Failures page: a set's failure groups, each linking to its jobs (the set page by {@code fp}).
 */
public record FailuresPage(Chrome chrome, FailureListing listing, Instant now) {

  public boolean dead() {
    return listing.set() == SetName.DEAD;
  }

  public boolean byCount() {
    return listing.order() == FailureGroup.Order.COUNT;
  }

  /** The set's page filtered to the group: its jobs and the bulk actions on all of them. */
  public String groupHref(FailureGroup g) {
    return view().path() + "?fp=" + Display.q(g.fingerprint());
  }

  public String sampleHref(FailureGroup g) {
    return view().path() + "/" + Display.seg(g.sample().asString());
  }

  /** Job types by name. */
  public List<Map.Entry<String, Long>> jobtypes(FailureGroup g) {
    return List.copyOf(new TreeMap<>(g.jobtypes()).entrySet());
  }

  public String ago(Instant t) {
    return t == null ? "–" : Display.relative(t, now);
  }

  private SetView view() {
    return dead() ? SetView.DEAD : SetView.RETRIES;
  }
}
