package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.console.JobDetail;
import dev.fabrik.server.web.console.JobProgress;
import dev.fabrik.server.web.console.QueuedJobDetail;
import dev.fabrik.server.web.console.SetEntryDetail;
import java.time.Instant;
import java.util.List;

/**
 * One job's page, wherever the job waits: an entry of a set (with the actions that set offers) or a
 * job in a queue. Both render {@code job.jte}; only the panel head and the lines saying where the
 * job sits differ.
 *
 * @param heading where the job is: {@code "In dead"}, {@code "In queue default"}
 * @param facts the lines that place it: {@code Expires → 2027-05-22 … (in 179d 23h)}
 * @param form the actions on it, or null when there are none
 * @param back a link to the page that lists it, or null
 * @param progress the job's tracked state and progress, or null when it is not tracked
 */
public record JobPage(
    Chrome chrome,
    JobDetail job,
    String heading,
    List<Fact> facts,
    ActionForm form,
    Link back,
    JobProgress progress) {

  /** One {@code <dt>label</dt><dd>value</dd>} line. */
  public record Fact(String label, String value) {}

  /** The form posting {@code action=...&key=...} to {@code path}, one button per action. */
  public record ActionForm(String path, String key, List<ActionButton> buttons) {}

  public record Link(String href, String label) {}

  public JobPage {
    facts = List.copyOf(facts);
  }

  /** This page with the job's tracked progress (null: not tracked). */
  JobPage withProgress(JobProgress value) {
    return new JobPage(chrome, job, heading, facts, form, back, value);
  }

  /** A retry, scheduled or dead entry, with its set's actions. */
  static JobPage inSet(Chrome chrome, SetView view, SetEntryDetail entry, Instant now) {
    String when = Display.time(entry.score()) + " (" + Display.relative(entry.score(), now) + ")";
    return new JobPage(
        chrome,
        entry.job(),
        "In " + entry.set().wireName(),
        List.of(new Fact(view.scoreLabel(), when)),
        new ActionForm(view.path() + "/actions", entry.key(), view.actions()),
        null,
        null);
  }

  /**
   * A job waiting in a queue. No actions: the Store SPI deletes queued jobs only a whole queue at a
   * time, so there is nothing to offer one job that would not be a scan of the queue.
   *
   * @param asked the position the link gave (the job may have moved up since)
   * @param pageSize the queue page's size, for the link back to the page that lists it
   */
  static JobPage inQueue(Chrome chrome, QueuedJobDetail d, long asked, int pageSize) {
    String position = "#" + Display.number(d.position() + 1) + " of " + Display.number(d.size());
    if (asked != d.position()) {
      position += " (listed as #" + Display.number(asked + 1) + "; jobs ahead were fetched)";
    }
    long cursor = d.position() / pageSize * pageSize;
    String href = "/queues/" + Display.seg(d.queue()) + (cursor > 0 ? "?cursor=" + cursor : "");
    return new JobPage(
        chrome,
        d.job(),
        "In queue " + d.queue(),
        List.of(
            new Fact("Position", position),
            new Fact("Priority", Integer.toString(d.job().priority()))),
        null,
        new Link(href, "Back to queue " + d.queue()),
        null);
  }
}
