package dev.fabrik.server.storage.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads of queued jobs whose payloads the {@link QueueIndex} does not hold: one job when a fetch or
 * a browse needs it, and read-ahead of a queue's head so fetches rarely have to.
 */
final class JobReads {

  /** Jobs whose payloads one read brings into the cache when a fetch finds its job uncached. */
  private static final int READ_AHEAD = 512;

  /** A payload size to reserve cache room for before reading ahead. */
  private static final int READ_AHEAD_BYTES_EACH = 1024;

  /** Fewest jobs worth one range read; a sparser head is read job by job. */
  private static final int MIN_RANGE = 64;

  private final QueueIndex index;
  private final ReaderPool readers;
  private final AtomicBoolean readingAhead = new AtomicBoolean();

  JobReads(QueueIndex index, ReaderPool readers) {
    this.index = index;
    this.readers = readers;
  }

  /**
   * Starts a read of the next {@link #READ_AHEAD} uncached jobs of {@code queue} on a reader when
   * the job half that far from the head is not cached: after a restart (nothing cached) or once a
   * queue outgrew the cache budget, fetches then still find their payloads in memory instead of
   * waiting for a read each. One read-ahead at a time.
   */
  void readAheadIfCold(String queue) {
    if (!index.coldAhead(queue, READ_AHEAD / 2, READ_AHEAD, READ_AHEAD_BYTES_EACH)
        || !readingAhead.compareAndSet(false, true)) {
      return;
    }
    boolean started =
        readers.execute(
            c -> {
              try {
                long[] ids = index.uncachedHead(queue, READ_AHEAD, READ_AHEAD_BYTES_EACH);
                if (ids.length > 0) {
                  index.fill(queue, readRange(c, ids));
                }
                return null;
              } finally {
                readingAhead.set(false);
              }
            });
    if (!started) {
      readingAhead.set(false);
    }
  }

  /**
   * Those jobs of {@code ids} (ascending) that still exist, by id: read as one range when they lie
   * close together, else by their ids.
   */
  private static Map<Long, QueueIndex.Cached> readRange(Connection c, long[] ids)
      throws SQLException {
    // Ids of other queues, or of other priority levels, may lie in between: stop where they would
    // make the range too sparse. A head spread thinly over the table (a level among many, as in a
    // queue of mixed priorities) has no dense prefix worth reading: its ids are looked up.
    int n = ids.length;
    while (n > MIN_RANGE && ids[n - 1] - ids[0] > 8L * n) {
      n /= 2;
    }
    if (ids[n - 1] - ids[0] > 8L * n) {
      return readIds(c, ids);
    }
    Set<Long> wanted = new HashSet<>();
    for (int i = 0; i < n; i++) {
      wanted.add(ids[i]);
    }
    Map<Long, QueueIndex.Cached> out = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id, jid, payload FROM jobs WHERE id BETWEEN ? AND ?")) {
      ps.setLong(1, ids[0]);
      ps.setLong(2, ids[n - 1]);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long id = rs.getLong(1);
          if (wanted.contains(id)) {
            out.put(id, new QueueIndex.Cached(rs.getString(2), rs.getBytes(3)));
          }
        }
      }
    }
    return out;
  }

  /** The jobs of {@code ids} that still exist, by id, in one statement of row id lookups. */
  private static Map<Long, QueueIndex.Cached> readIds(Connection c, long[] ids)
      throws SQLException {
    Map<Long, QueueIndex.Cached> out = new HashMap<>();
    String sql =
        "SELECT id, jid, payload FROM jobs WHERE id IN ("
            + String.join(", ", Collections.nCopies(ids.length, "?"))
            + ")";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < ids.length; i++) {
        ps.setLong(i + 1, ids[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getLong(1), new QueueIndex.Cached(rs.getString(2), rs.getBytes(3)));
        }
      }
    }
    return out;
  }

  /** The job with row id {@code id}, read now, or null when it is gone (finished meanwhile). */
  QueueIndex.Cached read(long id) {
    return readers.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT jid, payload FROM jobs WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? new QueueIndex.Cached(rs.getString(1), rs.getBytes(2)) : null;
            }
          }
        });
  }
}
