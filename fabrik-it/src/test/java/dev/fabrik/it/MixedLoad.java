package dev.fabrik.it;

import dev.fabrik.it.JobFate.Command;
import dev.fabrik.it.JobFate.Where;
import dev.fabrik.it.JobLedger.Outcome;
import dev.fabrik.it.JobLedger.Verb;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.ProtocolException;
import dev.fabrik.protocol.Reply;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The fault tests' load on one server life, each role on its own connection and thread, every
 * command entered in the {@link JobLedger}:
 *
 * <ul>
 *   <li>pushers: single PUSH, one job in five scheduled ({@code at} 0.3–2.5 s ahead);
 *   <li>bulk pushers: PUSHB of 2–30 jobs, one in five of them scheduled if {@code
 *       scheduledInBatches};
 *   <li>fetchers: FETCH, holding up to three reservations, each then ACKed (60 %) or FAILed;
 *   <li>a mutator: MUTATE requeue, kill or discard on jobs the ledger knows for sure to be in
 *       retries, scheduled or dead (filtered by jid).
 * </ul>
 *
 * A thread stops when {@link #close} asks it to (after its current command) or when its connection
 * dies (the server was killed): the command then in flight has no outcome but "either way".
 */
final class MixedLoad implements AutoCloseable {
  static final List<String> QUEUES = List.of("fault-a", "fault-b");

  /**
   * PUSHB batches may hold scheduled jobs ({@code -Dfabrik.faults.bulkScheduled=false} leaves them
   * out); such a batch too must be stored whole or not at all.
   */
  static final boolean BULK_SCHEDULED =
      Boolean.parseBoolean(System.getProperty("fabrik.faults.bulkScheduled", "true"));

  /** How many threads of each role, and how the replies are judged. */
  record Mix(
      int pushers,
      int bulkPushers,
      int fetchers,
      int mutators,
      boolean scheduledInBatches,
      int padBytes,
      boolean errorsExpected) {}

  private final ServerProcess server;
  private final JobLedger ledger;
  private final Mix mix;
  private final long tripAt;
  private final boolean tripOnAck;
  private final Runnable onTrip;
  private final AtomicBoolean trippedOnce = new AtomicBoolean();
  private volatile LocalTime trippedAt;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong answered = new AtomicLong();
  private final CountDownLatch tripped = new CountDownLatch(1);
  private final List<Thread> threads = new ArrayList<>();
  private final String pad;

  /** Jobs that entered a set for sure, for the mutator; carried from one life to the next. */
  private final BlockingQueue<JobFate> setMembers;

  private MixedLoad(
      ServerProcess server,
      JobLedger ledger,
      Mix mix,
      Trip trip,
      BlockingQueue<JobFate> setMembers) {
    this.server = server;
    this.ledger = ledger;
    this.mix = mix;
    this.tripAt = trip.answered();
    this.tripOnAck = trip.afterAck();
    this.onTrip = trip.action();
    this.setMembers = setMembers;
    this.pad = "x".repeat(mix.padBytes());
  }

  /**
   * When to act (the crash loop: SIGKILL): once {@code answered} commands were answered, or with
   * {@code afterAck} at the first {@code +OK} to an ACK after that. The thread that reads that
   * reply runs {@code action} at once, so the kill follows the reply within microseconds.
   */
  record Trip(long answered, boolean afterAck, Runnable action) {
    static final Trip NEVER = new Trip(Long.MAX_VALUE, false, () -> {});
  }

  /**
   * Starts the threads; {@link #awaitTrip} returns once {@code trip} happened. {@code setMembers}
   * is shared by the loads of successive lives.
   */
  static MixedLoad start(
      ServerProcess server,
      JobLedger ledger,
      Mix mix,
      long seed,
      Trip trip,
      BlockingQueue<JobFate> setMembers) {
    MixedLoad load = new MixedLoad(server, ledger, mix, trip, setMembers);
    Random seeds = new Random(seed);
    load.spawn(mix.pushers(), "pusher", seeds, load::pushSingles);
    load.spawn(mix.bulkPushers(), "bulk-pusher", seeds, load::pushBatches);
    load.spawn(mix.fetchers(), "fetcher", seeds, load::fetchAndFinish);
    load.spawn(mix.mutators(), "mutator", seeds, load::mutate);
    return load;
  }

  static BlockingQueue<JobFate> newSetMembers() {
    return new LinkedBlockingQueue<>();
  }

  private void spawn(int n, String role, Random seeds, RoleBody body) {
    for (int i = 0; i < n; i++) {
      Random random = new Random(seeds.nextLong());
      threads.add(
          Thread.ofPlatform()
              .name("fault-" + role + "-" + i)
              .start(
                  () -> {
                    try (ProtocolConnection conn = server.connect()) {
                      body.run(conn, random);
                    } catch (UncheckedIOException | ProtocolException connectFailed) {
                      // killed while connecting
                    } catch (RuntimeException | Error e) {
                      ledger.violation("load thread failed", role + ": " + e);
                    }
                  }));
    }
  }

  @FunctionalInterface
  private interface RoleBody {
    void run(ProtocolConnection conn, Random random);
  }

  /** True once the trip happened; false after {@code max}. */
  boolean awaitTrip(Duration max) throws InterruptedException {
    return tripped.await(max.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** When the trip's action ran, or null. */
  LocalTime trippedAt() {
    return trippedAt;
  }

  /** Asks every thread to stop after its command and waits for them (also after a kill). */
  @Override
  public void close() {
    stop.set(true);
    for (Thread t : threads) {
      try {
        if (!t.join(Duration.ofSeconds(30))) {
          ledger.violation("load thread hung", t.getName());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  // ---------------------------------------------------------------- roles

  private void pushSingles(ProtocolConnection conn, Random random) {
    while (!stop.get()) {
      long now = System.currentTimeMillis();
      long at = random.nextInt(5) == 0 ? later(now, random) : 0;
      JobFate fate = ledger.newJob(queue(random), 1 + random.nextInt(2), at);
      long bit = fate.begin(Command.PUSH, null, now);
      Reply reply = call(conn, "PUSH " + json(fate));
      if (reply == null) {
        fate.unanswered(Command.PUSH, bit);
        ledger.count(Verb.PUSH, Outcome.UNANSWERED);
        return;
      }
      if (Reply.OK.equals(reply)) {
        ledger.count(Verb.PUSH, Outcome.OK);
        confirm(fate, Command.PUSH, bit, System.currentTimeMillis(), "+OK");
        if (at > 0) {
          setMembers.add(fate);
        }
      } else {
        refuse(fate, Command.PUSH, bit, false, Verb.PUSH, reply);
      }
    }
  }

  private void pushBatches(ProtocolConnection conn, Random random) {
    while (!stop.get()) {
      long now = System.currentTimeMillis();
      List<JobFate> batch = new ArrayList<>();
      List<Long> bits = new ArrayList<>();
      StringBuilder line = new StringBuilder("PUSHB [");
      for (int i = 2 + random.nextInt(29); i > 0; i--) {
        long at = mix.scheduledInBatches() && random.nextInt(5) == 0 ? later(now, random) : 0;
        JobFate fate = ledger.newJob(queue(random), 1 + random.nextInt(2), at);
        batch.add(fate);
        bits.add(fate.begin(Command.PUSH, null, now));
        fate.note("(in a PUSHB)");
        line.append(batch.size() == 1 ? "" : ",").append(json(fate));
      }
      Reply reply = call(conn, line.append(']').toString());
      if (reply == null) {
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).unanswered(Command.PUSH, bits.get(i));
        }
        ledger.batchUnanswered(batch);
        ledger.count(Verb.PUSHB, Outcome.UNANSWERED);
        return;
      }
      // {} when every job was stored; {"<jid>":"<why>"} lists the refused ones.
      String refusedJids = reply instanceof Reply.Bulk b ? b.text() : null;
      boolean allOk = "{}".equals(refusedJids);
      ledger.count(Verb.PUSHB, allOk ? Outcome.OK : Outcome.REFUSED);
      if (!allOk && !mix.errorsExpected()) {
        ledger.unexpectedReply("PUSHB", reply.toString());
      }
      long answeredAt = System.currentTimeMillis();
      for (int i = 0; i < batch.size(); i++) {
        JobFate fate = batch.get(i);
        boolean refused = refusedJids == null || refusedJids.contains("\"" + fate.jid + "\"");
        if (refused) {
          fate.refused(Command.PUSH, bits.get(i), false);
        } else {
          confirm(fate, Command.PUSH, bits.get(i), answeredAt, "OK in PUSHB");
        }
      }
    }
  }

  private void fetchAndFinish(ProtocolConnection conn, Random random) {
    Deque<JobFate> held = new ArrayDeque<>();
    int maxHeld = 1 + random.nextInt(3);
    while (!stop.get()) {
      if (held.size() >= maxHeld || (!held.isEmpty() && random.nextInt(3) == 0)) {
        if (!finish(conn, random, held)) {
          return;
        }
        continue;
      }
      List<String> queues = new ArrayList<>(QUEUES);
      Collections.shuffle(queues, random);
      Reply reply = call(conn, "FETCH " + String.join(" ", queues));
      if (reply == null) {
        ledger.count(Verb.FETCH, Outcome.UNANSWERED);
        return;
      }
      if (reply instanceof Reply.Bulk bulk) {
        ledger.count(Verb.FETCH, Outcome.OK);
        JobFate fate = ledger.delivered(bulk.text(), System.currentTimeMillis(), "FETCH");
        if (fate != null) {
          held.addLast(fate);
        }
      } else if (reply instanceof Reply.Null) {
        ledger.count(Verb.FETCH, Outcome.OK);
      } else {
        // A read must be served even when the disk is full.
        ledger.count(Verb.FETCH, Outcome.REFUSED);
        ledger.unexpectedReply("FETCH", reply.toString());
      }
    }
  }

  /** ACKs or FAILs the oldest held job; false when the connection died. */
  private boolean finish(ProtocolConnection conn, Random random, Deque<JobFate> held) {
    JobFate fate = held.pollFirst();
    boolean ack = random.nextInt(10) < 6;
    Command command = ack ? Command.ACK : Command.FAIL;
    Verb verb = ack ? Verb.ACK : Verb.FAIL;
    long bit = fate.begin(command, null, System.currentTimeMillis());
    String body = "{\"jid\":\"" + fate.jid + "\"";
    Reply reply =
        call(
            conn,
            ack
                ? "ACK " + body + "}"
                : "FAIL " + body + ",\"errtype\":\"Fault\",\"message\":\"fault test\"}");
    if (reply == null) {
      fate.unanswered(command, bit);
      ledger.count(verb, Outcome.UNANSWERED);
      return false;
    }
    if (Reply.OK.equals(reply)) {
      if (ack && tripOnAck && answered.get() >= tripAt) {
        trip();
      }
      ledger.count(verb, Outcome.OK);
      confirm(fate, command, bit, System.currentTimeMillis(), "+OK");
      if (!ack) {
        setMembers.add(fate);
      }
    } else {
      refuse(fate, command, bit, false, verb, reply);
      held.addLast(fate); // still reserved: finish it later
    }
    return true;
  }

  private void mutate(ProtocolConnection conn, Random random) {
    while (!stop.get()) {
      JobFate first;
      try {
        first = setMembers.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      JobFate.State state = first == null ? null : first.certain();
      if (state == null || random.nextBoolean()) {
        continue; // half of them stay where they are, for the final audit
      }
      Where target = state.where();
      Command command =
          switch (target) {
            case RETRY, SCHEDULED -> {
              int r = random.nextInt(4);
              yield r < 2 ? Command.REQUEUE : r == 2 ? Command.KILL : Command.DISCARD;
            }
            case DEAD -> random.nextInt(4) < 3 ? Command.REQUEUE : Command.DISCARD;
            default -> null;
          };
      if (command == null) {
        continue;
      }
      List<JobFate> jobs = new ArrayList<>(List.of(first));
      for (JobFate next; jobs.size() < 4 && (next = setMembers.peek()) != null; ) {
        JobFate.State s = next.certain();
        if (s == null || s.where() != target || !setMembers.remove(next)) {
          break;
        }
        jobs.add(next);
      }
      if (!mutate(conn, command, target, jobs)) {
        return;
      }
    }
  }

  private boolean mutate(
      ProtocolConnection conn, Command command, Where target, List<JobFate> jobs) {
    long now = System.currentTimeMillis();
    List<Long> bits = new ArrayList<>();
    List<String> jids = new ArrayList<>();
    for (JobFate fate : jobs) {
      bits.add(fate.begin(command, target, now));
      jids.add("\"" + fate.jid + "\"");
    }
    String wireTarget = LedgerAudit.wireName(target);
    Reply reply =
        call(
            conn,
            "MUTATE {\"cmd\":\"%s\",\"target\":\"%s\",\"filter\":{\"jids\":[%s]}}"
                .formatted(command.name().toLowerCase(), wireTarget, String.join(",", jids)));
    if (reply == null) {
      forEach(jobs, bits, (fate, bit) -> fate.unanswered(command, bit));
      ledger.count(Verb.MUTATE, Outcome.UNANSWERED);
      return false;
    }
    long answeredAt = System.currentTimeMillis();
    boolean ok = Reply.OK.equals(reply);
    ledger.count(Verb.MUTATE, ok ? Outcome.OK : Outcome.REFUSED);
    if (!ok && !mix.errorsExpected()) {
      ledger.unexpectedReply("MUTATE", reply.toString());
    }
    forEach(
        jobs,
        bits,
        (fate, bit) -> {
          if (!ok) {
            fate.refused(command, bit, false);
          } else {
            confirm(fate, command, bit, answeredAt, "+OK");
            if (command == Command.KILL) {
              setMembers.add(fate);
            }
          }
        });
    return true;
  }

  // ---------------------------------------------------------------- helpers

  private void trip() {
    if (trippedOnce.compareAndSet(false, true)) {
      trippedAt = LocalTime.now();
      onTrip.run();
      tripped.countDown();
    }
  }

  private void confirm(JobFate fate, Command command, long bit, long now, String reply) {
    if (!fate.confirmed(command, bit, now)) {
      ledger.impossibleReply(fate, command, reply);
    }
  }

  private void refuse(
      JobFate fate, Command command, long bit, boolean notReserved, Verb verb, Reply reply) {
    ledger.count(verb, Outcome.REFUSED);
    if (!mix.errorsExpected()) {
      ledger.unexpectedReply(command + " " + fate.jid, reply.toString());
    }
    if (!fate.refused(command, bit, notReserved)) {
      ledger.impossibleReply(fate, command, reply.toString());
    }
  }

  /** The reply, or null when the connection died first (the command's outcome is unknown). */
  private Reply call(ProtocolConnection conn, String line) {
    try {
      Reply reply = conn.call(line);
      if (answered.incrementAndGet() == tripAt && !tripOnAck) {
        trip();
      }
      return reply;
    } catch (UncheckedIOException | ProtocolException e) {
      return null;
    }
  }

  private String json(JobFate fate) {
    String json = JobLedger.json(fate);
    return pad.isEmpty()
        ? json
        : json.substring(0, json.length() - 1) + ",\"custom\":{\"pad\":\"" + pad + "\"}}";
  }

  /** An {@code at} for a scheduled job: 0.3 to 2.5 s from now. */
  private static long later(long now, Random random) {
    return now + 300 + random.nextInt(2200);
  }

  private static String queue(Random random) {
    return QUEUES.get(random.nextInt(QUEUES.size()));
  }

  private static void forEach(List<JobFate> jobs, List<Long> bits, BiConsumer<JobFate, Long> f) {
    for (int i = 0; i < jobs.size(); i++) {
      f.accept(jobs.get(i), bits.get(i));
    }
  }
}
