package dev.fabrik.server.storage.postgres;

/**
 * What a commit that freed concurrency-limit slots tells the other nodes, on {@link
 * PgDatabase#slotsChannel()}: the sending node's token, how many runs of the queue gave their slots
 * back, and the queue, separated by single spaces (the queue last, so it may hold spaces):
 *
 * <pre>
 * NOTIFY fabrik_slots, '5f3a9c0e1b2d4e6f 2 scraper'
 * </pre>
 *
 * Unlike an enqueue, which wakes every FETCH waiting on the queue, a notice wakes at most {@code
 * count} of them: each freed slot lets one more job start, and waking all would send them racing
 * for it (each loser gives its reserved job back, a synchronous commit). The sending node ignores
 * its own notices: it woke its waiters directly.
 *
 * @param token the sending node's {@link PgDatabase#nodeToken()}
 */
record PgSlotNotice(String token, int count, String queue) {

  /** The SQL expression building a notice from a token, a count and a queue expression. */
  static String sql(String token, String count, String queue) {
    return token + " || ' ' || " + count + " || ' ' || " + queue;
  }

  /** The notice in {@code payload}, or null when it is not one. */
  static PgSlotNotice parse(String payload) {
    int a = payload.indexOf(' ');
    int b = a < 0 ? -1 : payload.indexOf(' ', a + 1);
    if (b < 0) {
      return null;
    }
    try {
      int count = Integer.parseInt(payload.substring(a + 1, b));
      return count < 1
          ? null
          : new PgSlotNotice(payload.substring(0, a), count, payload.substring(b + 1));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
