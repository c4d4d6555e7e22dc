package dev.fabrik.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random operations on a durable store and on the {@link MemoryStore} model side by side: every
 * observable answer must agree. The seed is in the failure message. Subclasses open the store.
 */
public abstract class StoreModelContract {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final List<String> QUEUES = List.of("a", "b", "c");

  /** A fresh, empty store of the kind under test. */
  protected abstract Store openReal() throws Exception;

  /**
   * Whether set entries are compared with their sequence numbers; a store that assigns them its own
   * way (a shared database's identity column) compares score, jid, queue and payload only.
   */
  protected boolean sameSequences() {
    return true;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 42, 20300101})
  void agreesWithTheModel(long seed) throws Exception {
    Random rnd = new Random(seed);
    List<String> jids = new ArrayList<>();
    try (Store real = openReal();
        Store model = new MemoryStore()) {
      for (int step = 0; step < 2000; step++) {
        String op = "seed " + seed + " step " + step;
        int kind = rnd.nextInt(100);
        if (kind < 25) {
          List<QueuedJob> jobs = new ArrayList<>();
          for (int i = rnd.nextInt(3) + 1; i > 0; i--) {
            String jid = rnd.nextInt(20) == 0 && !jids.isEmpty() ? pick(rnd, jids) : "j" + step + i;
            jids.add(jid);
            jobs.add(new QueuedJob(jid, pick(rnd, QUEUES), bytes(jid + "/" + step)));
          }
          both(
              real,
              model,
              s -> {
                s.enqueue(jobs);
                return null;
              },
              op + " enqueue");
        } else if (kind < 45) {
          List<String> qs = List.of(pick(rnd, QUEUES), pick(rnd, QUEUES));
          Instant exp = T0.plusSeconds(rnd.nextInt(100));
          both(real, model, s -> view(s.reserve(qs, "w", T0, payload -> exp)), op + " reserve");
        } else if (kind < 55) {
          String jid = jids.isEmpty() ? "none" : pick(rnd, jids);
          both(real, model, s -> view(s.acknowledge(jid)), op + " ack");
        } else if (kind < 63) {
          String jid = jids.isEmpty() ? "none" : pick(rnd, jids);
          int outcome = rnd.nextInt(3);
          Instant at = T0.plusSeconds(rnd.nextInt(50));
          FailureDecision d =
              r ->
                  switch (outcome) {
                    case 0 -> new FailureDecision.Retry(at, bytes("retry " + r.jid()));
                    case 1 -> new FailureDecision.Dead(at, bytes("dead " + r.jid()));
                    default -> new FailureDecision.Discard();
                  };
          both(real, model, s -> view(s.fail(jid, d)), op + " fail");
        } else if (kind < 73) {
          SetName set = pick(rnd, List.of(SetName.values()));
          String jid = "s" + step;
          jids.add(jid);
          QueuedJob job = new QueuedJob(jid, pick(rnd, QUEUES), bytes(jid));
          Instant score = T0.plusSeconds(rnd.nextInt(50));
          both(
              real,
              model,
              s -> {
                s.addToSet(set, score, job);
                return null;
              },
              op + " add");
        } else if (kind < 78) {
          SetName set = pick(rnd, List.of(SetName.values()));
          Instant now = T0.plusSeconds(rnd.nextInt(60));
          int limit = rnd.nextInt(5) + 1;
          both(
              real,
              model,
              s -> s.enqueueDue(set, now, limit, p -> bytes("re " + text(p))),
              op + " enqueueDue");
        } else if (kind < 81) {
          SetName set = pick(rnd, List.of(SetName.values()));
          Instant now = T0.plusSeconds(rnd.nextInt(60));
          both(real, model, s -> s.purgeDue(set, now, 3), op + " purgeDue");
        } else if (kind < 83) {
          SetName set = pick(rnd, List.of(SetName.values()));
          long max = rnd.nextInt(10);
          both(real, model, s -> s.trim(set, max), op + " trim");
        } else if (kind < 88) {
          SetName set = pick(rnd, List.of(SetName.values()));
          int mod = rnd.nextInt(3) + 2;
          Mutation m =
              switch (rnd.nextInt(3)) {
                case 0 -> new Mutation.Delete();
                case 1 -> new Mutation.Kill(T0.plusSeconds(rnd.nextInt(50)));
                default -> new Mutation.Requeue();
              };
          both(
              real,
              model,
              s -> s.mutate(set, e -> e.jid().hashCode() % mod == 0, m),
              op + " mutate " + m);
        } else if (kind < 93) {
          List<String> qs = List.of(pick(rnd, QUEUES));
          int which = rnd.nextInt(3);
          both(
              real,
              model,
              s -> {
                switch (which) {
                  case 0 -> s.pause(qs);
                  case 1 -> s.resume(qs);
                  default -> s.remove(qs);
                }
                return null;
              },
              op + " pause/resume/remove");
        } else if (kind < 94) {
          both(
              real,
              model,
              s -> {
                s.flush();
                return null;
              },
              op + " flush");
        } else {
          Instant now = T0.plusSeconds(rnd.nextInt(100));
          both(
              real,
              model,
              s -> s.expiredReservations(now, 5).stream().map(StoreModelContract::view).toList(),
              op + " expired");
        }
        compareState(real, model, op);
      }
    }
  }

  private void compareState(Store real, Store model, String op) {
    assertThat(real.queueSizes()).as(op + " queueSizes").isEqualTo(model.queueSizes());
    assertThat(real.pausedQueues()).as(op + " paused").isEqualTo(model.pausedQueues());
    assertThat(real.workingSize()).as(op + " working").isEqualTo(model.workingSize());
    assertThat(real.counters()).as(op + " counters").isEqualTo(model.counters());
    for (SetName s : SetName.values()) {
      assertThat(real.setSize(s)).as(op + " size " + s).isEqualTo(model.setSize(s));
      assertThat(entries(real, s)).as(op + " entries " + s).isEqualTo(entries(model, s));
    }
    for (String q : QUEUES) {
      assertThat(jobs(real, q)).as(op + " queue " + q).isEqualTo(jobs(model, q));
    }
  }

  private List<String> entries(Store s, SetName set) {
    return s.scan(set, null, 1000).stream()
        .map(
            e ->
                (sameSequences() ? e.key().toString() : e.score() + " " + e.jid())
                    + " "
                    + e.queue()
                    + " "
                    + text(e.payload()))
        .toList();
  }

  private static List<String> jobs(Store s, String queue) {
    return s.browse(queue, 0, 1000).stream()
        .map(j -> j.jid() + " " + j.queue() + " " + text(j.payload()))
        .toList();
  }

  private static <T> void both(Store real, Store model, Function<Store, T> call, String op) {
    assertThat(call.apply(real)).as(op).isEqualTo(call.apply(model));
  }

  private static String view(Optional<Reservation> r) {
    return r.map(StoreModelContract::view).orElse("none");
  }

  private static String view(Reservation r) {
    return r.jid() + " " + r.queue() + " " + text(r.payload()) + " " + r.expiresAt();
  }

  private static <T> T pick(Random rnd, List<T> from) {
    return from.get(rnd.nextInt(from.size()));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
