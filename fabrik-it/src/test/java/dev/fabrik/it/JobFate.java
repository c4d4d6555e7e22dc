package dev.fabrik.it;

import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Everything the server may hold for ONE job, given what its clients sent and were answered: a set
 * of possible states, narrowed by every reply and every delivery (a small model checker).
 *
 * <p>A command is entered in two steps. {@link #begin} (before its bytes leave) adds, next to every
 * state, the state it would turn into, tagged with the command's bit: both are possible while no
 * reply has come. The reply then keeps the tagged states ({@link #confirmed}), the untagged ones
 * ({@link #refused}), or both once the connection died without one ({@link #unanswered}). A
 * delivery by FETCH keeps the states it could come from. Other connections' events interleave
 * freely: a FETCH may hand out a job before its PUSH's {@code +OK} arrives (its tagged QUEUED state
 * becomes RESERVED, still tagged), so the order in which this client sees replies never matters.
 *
 * <p>The server's own moves are time-bound: a scheduled job ({@code at}) and a retry (no earlier
 * than 15 s after its FAIL, the smallest backoff) may be in their queue from their due time on. A
 * MUTATE on such a job may find it already moved (then it changes nothing), but only if its reply
 * came after the due time.
 *
 * <p>An empty set is a contradiction: the server broke a promise it answered. {@link #history} says
 * which.
 */
final class JobFate {
  /** Where the job may be. NOWHERE: never stored; GONE: acked or discarded. */
  enum Where {
    NOWHERE,
    QUEUED,
    RESERVED,
    SCHEDULED,
    RETRY,
    DEAD,
    GONE
  }

  /** What a client may do to a job; REQUEUE, KILL and DISCARD are MUTATE's commands. */
  enum Command {
    PUSH,
    ACK,
    FAIL,
    REQUEUE,
    KILL,
    DISCARD
  }

  /**
   * One possible state. {@code version} counts the FAILs stored in the payload ({@code
   * failure.retry_count + 1}, 0 without a failure); {@code due} is the epoch millis from which a
   * SCHEDULED or RETRY job may be in its queue; {@code tags} are the bits of the pending commands
   * that took effect in this state; {@code repliedAfter} is a due time the pending command's reply
   * must come after for this state to be real (0: no condition).
   */
  record State(Where where, int version, long due, long tags, long repliedAfter) {
    State with(Where w, int v, long d) {
      return new State(w, v, d, tags, repliedAfter);
    }

    State tagged(long bit, long after) {
      return new State(where, version, due, tags | bit, Math.max(repliedAfter, after));
    }

    State untagged(long bit) {
      long rest = tags & ~bit;
      return new State(where, version, due, rest, rest == 0 ? 0 : repliedAfter);
    }

    @Override
    public String toString() {
      return where
          + " v"
          + version
          + (due > 0 ? " due " + Instant.ofEpochMilli(due) : "")
          + (tags != 0 ? " pending" : "");
    }

    boolean mayRunAt(long millis) {
      return where == Where.QUEUED
          || ((where == Where.SCHEDULED || where == Where.RETRY) && due <= millis);
    }
  }

  /** Smallest retry backoff (spec §6.5: {@code count^4 + 15 + rand(30) * (count + 1)} s). */
  static final long MIN_BACKOFF_MILLIS = 15_000;

  final String jid;
  final long seq;
  final String queue;
  final int retry;

  /** Epoch millis of {@code at}, or 0 for a job pushed to run now. */
  final long at;

  private Set<State> states = new LinkedHashSet<>(List.of(start()));
  private long pendingBits;
  private final List<String> history = new ArrayList<>();
  private String lastAnswer;

  /** Kills of the server so far (numbered across the whole test), and at the last answer. */
  private int kills;

  private int killsAtLastAnswer;
  private boolean observed;
  private boolean seenAtEnd;

  JobFate(String jid, long seq, String queue, int retry, long at) {
    this(jid, seq, queue, retry, at, 0);
  }

  /** {@code kills}: how many times the server was killed before this job was made. */
  JobFate(String jid, long seq, String queue, int retry, long at, int kills) {
    this.kills = kills;
    this.killsAtLastAnswer = kills;
    this.jid = jid;
    this.seq = seq;
    this.queue = queue;
    this.retry = retry;
    this.at = at;
  }

  private static State start() {
    return new State(Where.NOWHERE, 0, 0, 0, 0);
  }

  /**
   * Enters {@code command} as sent at {@code now}; returns its bit for the reply. MUTATE commands
   * name the set they target.
   */
  synchronized long begin(Command command, Where target, long now) {
    long bit = Long.lowestOneBit(~pendingBits);
    if (bit == 0) {
      throw new IllegalStateException("too many commands pending on " + jid);
    }
    pendingBits |= bit;
    Set<State> next = new LinkedHashSet<>(states);
    for (State s : states) {
      next.addAll(outcomes(command, target, s, now, bit));
    }
    states = next;
    note("%s%s sent", command, target == null ? "" : " " + target);
    return bit;
  }

  /** The states {@code command} may turn {@code s} into, tagged with {@code bit}. */
  private List<State> outcomes(Command command, Where target, State s, long now, long bit) {
    int v = s.version();
    State result =
        switch (command) {
          case PUSH ->
              s.where() != Where.NOWHERE
                  ? null
                  : at > 0 ? s.with(Where.SCHEDULED, 0, at) : s.with(Where.QUEUED, 0, 0);
          case ACK -> s.where() == Where.RESERVED ? s.with(Where.GONE, 0, 0) : s;
          case FAIL -> // only a reservation can fail; else "-ERR Job not found"
              s.where() != Where.RESERVED
                  ? null
                  : retry == 0
                      ? s.with(Where.GONE, 0, 0)
                      : v < retry
                          ? s.with(Where.RETRY, v + 1, now + MIN_BACKOFF_MILLIS)
                          : s.with(Where.DEAD, v + 1, 0);
          case REQUEUE -> s.where() == target ? s.with(Where.QUEUED, v, 0) : s;
          case KILL -> s.where() == target ? s.with(Where.DEAD, v, 0) : s;
          case DISCARD -> s.where() == target ? s.with(Where.GONE, 0, 0) : s;
        };
    if (result == null) {
      return List.of();
    }
    boolean mutate = command != Command.PUSH && command != Command.ACK && command != Command.FAIL;
    if (mutate && s.where() == target && s.due() > 0) {
      // The server may have moved it to its queue first (due), and MUTATE then found nothing.
      return List.of(result.tagged(bit, 0), s.with(Where.QUEUED, v, 0).tagged(bit, s.due()));
    }
    return List.of(result.tagged(bit, 0));
  }

  /** {@code +OK} (or the expected reply) arrived at {@code now}: the command took effect. */
  synchronized boolean confirmed(Command command, long bit, long now) {
    note("%s OK", command);
    lastAnswer = command + " OK";
    killsAtLastAnswer = kills;
    return resolve(bit, s -> (s.tags() & bit) != 0 && s.repliedAfter() <= now);
  }

  /**
   * An error reply: the command did not take effect. {@code notReserved}: the reply also says the
   * job holds no reservation (FAIL's {@code Job not found}).
   */
  synchronized boolean refused(Command command, long bit, boolean notReserved) {
    note("%s refused", command);
    lastAnswer = command + " refused";
    killsAtLastAnswer = kills;
    return resolve(
        bit, s -> (s.tags() & bit) == 0 && !(notReserved && s.where() == Where.RESERVED));
  }

  /** The connection died before the reply: either way. */
  synchronized void unanswered(Command command, long bit) {
    note("%s unanswered", command);
    killsAtLastAnswer = kills;
    resolve(bit, s -> true);
  }

  private boolean resolve(long bit, Predicate<State> keep) {
    pendingBits &= ~bit;
    Set<State> next = new LinkedHashSet<>();
    for (State s : states) {
      if (keep.test(s)) {
        next.add(s.untagged(bit));
      }
    }
    boolean possible = !next.isEmpty();
    if (possible) {
      states = next;
    }
    return possible;
  }

  /**
   * FETCH handed the job out at {@code now} with {@code version} failures in its payload; false
   * when no state allowed that (the job is then taken as reserved, to go on checking).
   */
  synchronized boolean delivered(int version, long now, String how) {
    observed = true;
    note("%s v%d", how, version);
    Set<State> next = new LinkedHashSet<>();
    for (State s : states) {
      if (s.version() == version && s.mayRunAt(now)) {
        next.add(s.with(Where.RESERVED, version, 0));
      }
    }
    boolean possible = !next.isEmpty();
    states = possible ? next : Set.of(new State(Where.RESERVED, version, 0, 0, 0));
    return possible;
  }

  /**
   * The server was killed at {@code at}: a reservation may survive (persisted) or be queued again.
   */
  synchronized void serverKilled(LocalTime at) {
    if (pendingBits != 0) {
      throw new IllegalStateException(jid + " has commands without an outcome after the kill");
    }
    history.add("KILL " + at);
    kills++;
    Set<State> next = new LinkedHashSet<>(states);
    for (State s : states) {
      if (s.where() == Where.RESERVED) {
        next.add(s.with(Where.QUEUED, s.version(), 0));
      }
    }
    states = next;
  }

  /** The restarted server holds no reservation at all (INFO's {@code working} is 0). */
  synchronized void noReservations() {
    states.removeIf(s -> s.where() == Where.RESERVED);
  }

  /** An operator's MUTATE requeue of the whole set was answered OK. */
  synchronized void setRequeued(Where set) {
    Set<State> next = new LinkedHashSet<>();
    for (State s : states) {
      next.add(s.where() == set ? s.with(Where.QUEUED, s.version(), 0) : s);
    }
    states = next;
  }

  synchronized boolean mayBeReserved() {
    return states.stream().anyMatch(s -> s.where() == Where.RESERVED);
  }

  /** The one state the job is in for sure, or null while several are possible or pending. */
  synchronized State certain() {
    return pendingBits == 0 && states.size() == 1 ? states.iterator().next() : null;
  }

  /** True when the job may legitimately be found nowhere at the end. */
  synchronized boolean mayBeAbsent() {
    return states.stream().anyMatch(s -> s.where() == Where.NOWHERE || s.where() == Where.GONE);
  }

  /** True when the server may still hold the job somewhere. */
  synchronized boolean mayBePresent() {
    return states.stream().anyMatch(s -> s.where() != Where.NOWHERE && s.where() != Where.GONE);
  }

  /** Seen in the final audit; a second sighting there is a duplicate. */
  synchronized boolean seenAtEnd() {
    boolean first = !seenAtEnd;
    seenAtEnd = true;
    return first;
  }

  synchronized boolean wasSeenAtEnd() {
    return seenAtEnd;
  }

  /** Delivered at least once, or found reserved: the server stored it. */
  synchronized boolean observed() {
    return observed;
  }

  synchronized void markObserved() {
    observed = true;
  }

  /**
   * The kill that broke the last answer (the first one after it, counting from 1), when a
   * contradiction shows; 0 when there was no kill since.
   */
  synchronized int killAfterLastAnswer() {
    return kills > killsAtLastAnswer ? killsAtLastAnswer + 1 : 0;
  }

  /** The last reply to a command on this job, e.g. {@code "ACK OK"}, or null. */
  synchronized String lastAnswer() {
    return lastAnswer;
  }

  synchronized void note(String format, Object... args) {
    if (history.size() < 40) {
      history.add(format.formatted(args) + " " + LocalTime.now());
    }
  }

  synchronized String history() {
    String scheduled = at > 0 ? " (at " + Instant.ofEpochMilli(at) + ")" : "";
    return jid + scheduled + " [" + String.join(", ", history) + "] now " + states;
  }
}
