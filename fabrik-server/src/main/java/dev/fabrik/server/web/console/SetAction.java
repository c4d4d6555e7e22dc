package dev.fabrik.server.web.console;

import java.util.Locale;

/** What an operator does to selected set entries (the names the API and forms use). */
public enum SetAction {
  /** Retry now: back to the end of its queue with the payload as stored. */
  RETRY("retry"),
  /** Add to queue (Scheduled page): the same move as {@link #RETRY}, named as Faktory's UI does. */
  ENQUEUE("enqueue"),
  /** Remove for good. */
  DELETE("delete"),
  /** Move to the dead set, expiring after the configured dead TTL. */
  KILL("kill");

  private final String wireName;

  SetAction(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /**
   * @throws ConsoleException BAD_REQUEST for an unknown name
   */
  public static SetAction parse(String name) {
    if (name != null) {
      String n = name.strip().toLowerCase(Locale.ROOT);
      for (SetAction a : values()) {
        if (a.wireName.equals(n)) {
          return a;
        }
      }
    }
    throw ConsoleException.badRequest(
        "unknown action \"" + name + "\": use retry, enqueue, delete or kill");
  }
}
