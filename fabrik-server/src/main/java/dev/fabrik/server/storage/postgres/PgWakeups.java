package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.Store.EnqueueListener;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes this node's blocked FETCHes when any node (or an application's own transaction) stores
 * jobs. The {@code jobs} table's trigger (V1__core.sql) sends, after each commit that made jobs
 * fetchable, one notification per queue:
 *
 * <pre>
 * NOTIFY fabrik_enqueued, 'default'      -- channel {s}_enqueued, payload the queue name
 * </pre>
 *
 * A platform thread of its own holds {@code LISTEN fabrik_enqueued} on a direct connection ({@link
 * PgDatabase#directConnection()}): LISTEN belongs to a session, which PgBouncer in transaction mode
 * does not keep, so this one connection must reach PostgreSQL itself (or a session-mode pooler). It
 * waits in pgjdbc's {@code getNotifications(timeout)} and tells the listener each queue named,
 * waking all of that queue's waiters (a notification does not say how many jobs came). It also
 * listens on {@link PgDatabase#slotsChannel()}, where another node's {@link PgSlotNotice} wakes as
 * many waiters as it freed slots.
 *
 * <p>The safety net: every {@code poll} period without a notification, and every period while the
 * connection is down, it wakes the waiters of each queue that has fetchable jobs (one query over
 * the ready counts, whatever the depth or churn of the queues), so a missed notification (an
 * outage, a job made fetchable by an UPDATE, which fires no trigger) costs at most one period. A
 * lost connection is retried with a doubling backoff up to 5 s; the outage is logged once when it
 * starts and once when it ends.
 */
final class PgWakeups implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgWakeups.class);
  private static final long MAX_BACKOFF_MS = 5_000;

  private final PgDatabase db;
  private final EnqueueListener listener;
  private final long pollMs;
  private final String readyQueues;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Connection connection;
  private volatile boolean listening;
  private final AtomicInteger sessions = new AtomicInteger();

  private PgWakeups(PgDatabase db, EnqueueListener listener, Duration poll) {
    this.db = db;
    this.listener = listener;
    this.pollMs = Math.max(1, poll.toMillis());
    // From the ready counts (a few rows per queue, V1__core.sql), not from the jobs: an EXISTS
    // probe of jobs_ready walks the index entries of the rows just reserved, which stay until
    // vacuum or a later scan marks them dead; during a drain that took 20-84 ms per poll.
    this.readyQueues =
        db.sql(
            "SELECT q.name FROM {s}.queues q WHERE NOT q.paused"
                + " AND (SELECT sum(c.ready) FROM {s}.queue_counts c WHERE c.queue = q.name) > 0");
    this.thread = Thread.ofPlatform().name("fabrik-pg-listen").daemon(true).unstarted(this::run);
  }

  /** Starts listening; {@code listener} must not block (it runs on the listening thread). */
  static PgWakeups start(PgDatabase db, EnqueueListener listener, Duration poll) {
    PgWakeups w = new PgWakeups(db, listener, poll);
    w.thread.start();
    return w;
  }

  /** Whether LISTEN is in place right now (tests wait for it before counting on a wake-up). */
  boolean listening() {
    return listening;
  }

  /** How many times LISTEN was set up (1 until the first reconnect). */
  int sessions() {
    return sessions.get();
  }

  private void run() {
    long backoff = 100;
    boolean outage = false;
    while (!closed) {
      try (Connection c = db.directConnection()) {
        connection = c;
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + db.slotsChannel());
          s.execute("LISTEN " + db.enqueuedChannel());
        }
        listening = true;
        sessions.incrementAndGet();
        if (outage) {
          LOG.info("listening for enqueued jobs on PostgreSQL again");
          outage = false;
        }
        backoff = 100;
        // Jobs stored while nobody listened were never announced here.
        pollReadyQueues();
        listen(c.unwrap(PGConnection.class));
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (closed) {
          return;
        }
        if (!outage) {
          LOG.warn(
              "lost the PostgreSQL LISTEN connection ({}); polling every {} ms until it is back",
              PgDatabase.rootMessage(e),
              pollMs);
          outage = true;
        }
        backoff = waitOut(backoff);
      } finally {
        connection = null;
        listening = false;
      }
    }
  }

  private void notified(PGNotification n) {
    if (!n.getName().equals(db.slotsChannel())) {
      listener.enqueued(n.getParameter(), Integer.MAX_VALUE);
      return;
    }
    PgSlotNotice slots = PgSlotNotice.parse(n.getParameter());
    if (slots != null && !slots.token().equals(db.nodeToken())) {
      listener.enqueued(slots.queue(), slots.count());
    }
  }

  private void listen(PGConnection pg) throws SQLException {
    long lastPoll = System.nanoTime();
    while (!closed) {
      long sincePoll = (System.nanoTime() - lastPoll) / 1_000_000;
      PGNotification[] got = pg.getNotifications((int) Math.max(1, pollMs - sincePoll));
      if (got != null) {
        for (PGNotification n : got) {
          notified(n);
        }
      }
      // Also on a busy channel: notifications for some queues must not starve the others' poll.
      if (System.nanoTime() - lastPoll >= pollMs * 1_000_000) {
        pollReadyQueues();
        lastPoll = System.nanoTime();
      }
    }
  }

  /** While disconnected: poll each period until the backoff has passed, then try again. */
  private long waitOut(long backoff) {
    long end = System.nanoTime() + backoff * 1_000_000;
    while (!closed && System.nanoTime() < end) {
      pollReadyQueues();
      long left = (end - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      try {
        Thread.sleep(Math.min(left, pollMs)); // the thread's own pace, not a test's wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return backoff;
      }
    }
    return Math.min(MAX_BACKOFF_MS, backoff * 2);
  }

  /** Wakes the waiters of every queue that has fetchable jobs; silent when the database is down. */
  private void pollReadyQueues() {
    List<String> ready = new ArrayList<>();
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(readyQueues);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ready.add(rs.getString(1));
      }
    } catch (SQLException | RuntimeException e) {
      LOG.debug("polling for fetchable queues failed", e);
      return;
    }
    for (String q : ready) {
      listener.enqueued(q, Integer.MAX_VALUE);
    }
  }

  /** Stops the thread and closes its connection; waits up to a second for it to end. */
  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        // Closes the socket under getNotifications without waiting for the lock it holds.
        c.abort(Runnable::run);
      } catch (SQLException e) {
        LOG.debug("closing the LISTEN connection", e);
      }
    }
    thread.interrupt();
    try {
      thread.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
