package dev.fabrik.server.web.ui;

import dev.fabrik.server.storage.SetName;
import java.util.List;

/**
 * How one sorted set appears in the UI: its page, what its time column means, and the actions its
 * entries offer (as in Faktory's UI: retries can be retried, deleted or killed; scheduled jobs
 * added to their queue or deleted; dead jobs retried or deleted).
 */
public enum SetView {
  RETRIES(
      SetName.RETRIES,
      Nav.RETRIES,
      "Next retry",
      List.of(
          new ActionButton("retry", "Retry now", false),
          new ActionButton("delete", "Delete", true),
          new ActionButton("kill", "Kill", true))),
  SCHEDULED(
      SetName.SCHEDULED,
      Nav.SCHEDULED,
      "Runs at",
      List.of(
          new ActionButton("enqueue", "Add to queue", false),
          new ActionButton("delete", "Delete", true))),
  DEAD(
      SetName.DEAD,
      Nav.DEAD,
      "Expires",
      List.of(
          new ActionButton("retry", "Retry now", false),
          new ActionButton("delete", "Delete", true)));

  private final SetName set;
  private final Nav nav;
  private final String scoreLabel;
  private final List<ActionButton> actions;

  SetView(SetName set, Nav nav, String scoreLabel, List<ActionButton> actions) {
    this.set = set;
    this.nav = nav;
    this.scoreLabel = scoreLabel;
    this.actions = actions;
  }

  public SetName set() {
    return set;
  }

  public Nav nav() {
    return nav;
  }

  /** The page's path: {@code /retries}. */
  public String path() {
    return nav.path();
  }

  /** The heading of the score column. */
  public String scoreLabel() {
    return scoreLabel;
  }

  public List<ActionButton> actions() {
    return actions;
  }

  /** Whether rows show the last error (jobs that failed). */
  public boolean showsErrors() {
    return this != SCHEDULED;
  }

  /** Whether {@code action} is one this set offers (others are refused with a 400). */
  public boolean offers(String action) {
    return actions.stream().anyMatch(a -> a.action().equals(action));
  }

  /** The past-tense flash for {@code action} on {@code n} jobs: {@code "3 jobs retried"}. */
  public static String done(String action, long n) {
    String verb =
        switch (action) {
          case "retry" -> "retried";
          case "enqueue" -> "enqueued";
          case "delete" -> "deleted";
          case "kill" -> "killed";
          default -> action;
        };
    return n + (n == 1 ? " job " : " jobs ") + verb;
  }
}
