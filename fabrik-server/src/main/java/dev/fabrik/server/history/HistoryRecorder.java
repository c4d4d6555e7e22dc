package dev.fabrik.server.history;

import dev.fabrik.server.manager.OutcomeListener;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Reservation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts each finished run in this node's memory, per job type and minute, until {@link #drain}
 * hands the counts over for a flush. An ACK costs a streamed look at the payload's job type, a map
 * lookup and a few additions under the cell's own monitor (short, and contended only by ACKs of the
 * same type in the same minute); the store sees one additive write per flush, not per job.
 *
 * <p>Run time is the reservation's start to the ACK or FAIL, on the injected clock; an expired
 * reservation counts as failed and expired but not as a timed run (nobody reported an end).
 *
 * <p>Job types come from clients: past {@link #MAX_TYPES} distinct types held at once (a client
 * putting ids into job types), further types are counted as {@value #OTHER}, so memory and the
 * stored rows stay bounded.
 */
public final class HistoryRecorder implements OutcomeListener {
  /** Most distinct job types held between two flushes. */
  static final int MAX_TYPES = 1000;

  /** Where the types beyond {@link #MAX_TYPES} (and payloads without a type) are counted. */
  public static final String OTHER = "(other)";

  private record Key(String jobtype, long minute) {}

  /** One type's counts in one minute; {@code retired} once drained for good. */
  private static final class Cell {
    Tally tally = new Tally();
    boolean retired;
  }

  private final Clock clock;
  private final ConcurrentHashMap<Key, Cell> cells = new ConcurrentHashMap<>();

  public HistoryRecorder(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void acknowledged(Reservation r) {
    count(r, true, Tally.PROCESSED, -1, -1);
  }

  @Override
  public void failed(Reservation r, boolean expired) {
    failed(r, expired, null);
  }

  @Override
  public void failed(Reservation r, boolean expired, FailureDecision.Outcome outcome) {
    int fate =
        switch (outcome) {
          case FailureDecision.Retry x -> Tally.RETRIED;
          case FailureDecision.Dead x -> Tally.DIED;
          case null, default -> -1;
        };
    if (expired) {
      count(r, false, Tally.FAILED, Tally.EXPIRED, fate);
    } else {
      count(r, true, Tally.FAILED, fate, -1);
    }
  }

  @Override
  public void snoozed(Reservation r, Instant until) {
    count(r, false, Tally.SNOOZED, -1, -1);
  }

  /**
   * Adds one run: PROCESSED unless a snooze, the given fields (-1: none), its run time if timed.
   */
  private void count(Reservation r, boolean timed, int a, int b, int c) {
    long nowMs = clock.millis();
    long minute = Grain.MINUTE.floor(Math.floorDiv(nowMs, 1000L));
    String type = r.jobtype();
    Key key = new Key(type == null ? OTHER : type, minute);
    long runMicros = timed ? nowMs * 1000 - micros(r.reservedAt()) : -1;
    while (true) {
      Cell cell = cells.get(key);
      if (cell == null) {
        cell = cells.computeIfAbsent(capped(key), k -> new Cell());
      }
      synchronized (cell) {
        if (cell.retired) {
          continue; // drained for good between our lookup and now: a fresh cell takes it
        }
        Tally t = cell.tally;
        if (a != Tally.SNOOZED) {
          t.add(Tally.PROCESSED, 1);
        }
        if (a != Tally.PROCESSED) {
          t.add(a, 1);
        }
        if (b >= 0) {
          t.add(b, 1);
        }
        if (c >= 0) {
          t.add(c, 1);
        }
        if (runMicros >= 0) {
          t.run(runMicros);
        }
        return;
      }
    }
  }

  private Key capped(Key key) {
    return cells.size() >= MAX_TYPES && !cells.containsKey(key)
        ? new Key(OTHER, key.minute())
        : key;
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
  }

  /**
   * Takes every count held so far, as rows for the three grains (a minute's counts also go to its
   * hour and day), leaving zero behind. Cells of minutes before the current one are retired: a run
   * still being counted into one moves to a fresh cell, so nothing is lost or counted twice.
   */
  public List<HistoryRow> drain() {
    long current = Grain.MINUTE.floor(Math.floorDiv(clock.millis(), 1000L));
    Map<RowKey, Tally> sums = new HashMap<>();
    for (Map.Entry<Key, Cell> e : cells.entrySet()) {
      Key key = e.getKey();
      Cell cell = e.getValue();
      Tally taken;
      synchronized (cell) {
        taken = cell.tally;
        cell.tally = new Tally();
        if (key.minute() < current) {
          cell.retired = true;
          cells.remove(key, cell);
        }
      }
      if (!taken.isEmpty()) {
        for (Grain g : Grain.values()) {
          sums.computeIfAbsent(
                  new RowKey(g, g.floor(key.minute()), key.jobtype()), k -> new Tally())
              .add(taken);
        }
      }
    }
    List<HistoryRow> out = new ArrayList<>(sums.size());
    sums.forEach((k, t) -> out.add(new HistoryRow(k.grain(), k.start(), k.jobtype(), t)));
    return out;
  }

  private record RowKey(Grain grain, long start, String jobtype) {}
}
