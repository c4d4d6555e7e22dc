package dev.fabrik.server.bulk;

import java.util.Locale;

/** What a bulk task does to each matching set entry (names as in the JSON API). */
public enum BulkAction {
  /** Back to the end of its queue now (MUTATE's requeue). */
  RETRY("retry", "requeue"),
  /** The same move, named as the Scheduled page names it. */
  ENQUEUE("enqueue", "requeue"),
  /** Remove for good (MUTATE's discard). */
  DELETE("delete", "discard"),
  /** To the dead set with the configured dead TTL (MUTATE's kill). */
  KILL("kill", "kill"),
  /** Change nothing; count the matches (what a confirmation prompt shows). */
  COUNT("count", null);

  private final String wireName;
  private final String mutateCommand;

  BulkAction(String wireName, String mutateCommand) {
    this.wireName = wireName;
    this.mutateCommand = mutateCommand;
  }

  public String wireName() {
    return wireName;
  }

  /** The manager's mutate command, or null for {@link #COUNT}. */
  String mutateCommand() {
    return mutateCommand;
  }

  /**
   * @throws IllegalArgumentException for an unknown name, with the accepted ones
   */
  public static BulkAction parse(String name) {
    if (name != null) {
      String n = name.strip().toLowerCase(Locale.ROOT);
      for (BulkAction a : values()) {
        if (a.wireName.equals(n)) {
          return a;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown action \"" + name + "\": use retry, enqueue, delete, kill or count");
  }
}
