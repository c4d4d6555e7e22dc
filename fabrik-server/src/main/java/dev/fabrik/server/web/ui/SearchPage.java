package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.console.FoundJob;
import java.util.List;

/** The search box's answer: every place {@code jid} was found (none: a "not found" note). */
public record SearchPage(Chrome chrome, String jid, List<FoundJob> found) {

  /** Where a found job's own page is. */
  public String href(FoundJob f) {
    if (f.set() != null) {
      return "/" + f.set().wireName() + "/" + Display.seg(f.key());
    }
    return f.working() ? "/busy" : "/queues/" + Display.seg(f.job().queue());
  }

  /** The link's words. */
  public String linkLabel(FoundJob f) {
    if (f.set() != null) {
      return "Open in " + f.set().wireName();
    }
    return f.working() ? "Busy page" : "Queue " + f.job().queue();
  }

  /** What the heading of a found place says. */
  public String label(FoundJob f) {
    return switch (f.where()) {
      case FoundJob.QUEUED -> "Queued in " + f.job().queue();
      case FoundJob.WORKING -> "In progress";
      default -> "In " + f.where();
    };
  }

  /** Where a queued job's Delete and Run next post. */
  public String action(FoundJob f, String verb) {
    return "/queues/"
        + Display.seg(f.job().queue())
        + "/jobs/"
        + Display.seg(f.job().jid())
        + "/"
        + verb;
  }

  /** This page again, for the forms' way back. */
  public String self() {
    return "/search?jid=" + Display.q(jid);
  }
}
