package dev.fabrik.client.admin;

import java.util.Locale;

/** What a set action does to each entry. */
public enum BulkAction {
  /** Back to its queue now. */
  RETRY,
  /** The same move, as the Scheduled page names it ("Add to queue"). */
  ENQUEUE,
  /** Remove for good. */
  DELETE,
  /** To the dead set, expiring after the server's dead TTL. */
  KILL,
  /** Change nothing, count the matches (bulk tasks only). */
  COUNT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
