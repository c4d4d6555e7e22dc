package dev.fabrik.client;

/** When a unique job gives its lock back before its window ends ({@code custom.unique_until}). */
public enum UniqueUntil {
  /** At a successful ACK; held through failures and retries. The server's default. */
  SUCCESS("success"),
  /** When a worker fetches the job, so a retry may run beside a new copy. */
  START("start");

  private final String wireName;

  UniqueUntil(String wireName) {
    this.wireName = wireName;
  }

  /** The value sent in {@code custom.unique_until}. */
  public String wireName() {
    return wireName;
  }
}
