package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random set operations on {@link PgSets} (as {@link PgSetsAsStore}) and on the {@link MemoryStore}
 * model side by side: every answer and the whole state after each step must agree, sequence numbers
 * included. Twins, filters, cursors in both directions and all three mutation forms are drawn. The
 * seed is in the failure message.
 */
class PgSetsModelTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00.5Z");
  private static final List<String> QUEUES = List.of("a", "b");
  private static final List<String> TYPES = List.of("Mailer", "Billing");

  @ParameterizedTest
  @ValueSource(longs = {7, 2030})
  void agreesWithTheModel(long seed) {
    Random rnd = new Random(seed);
    try (Store real = PgSetsAsStore.open("pgmodel");
        Store model = new MemoryStore()) {
      for (int step = 0; step < 600; step++) {
        String op = "seed " + seed + " step " + step;
        int kind = rnd.nextInt(100);
        SetName set = pick(rnd, List.of(SetName.values()));
        if (kind < 25) {
          List<SetEntry> batch = new ArrayList<>();
          for (int i = rnd.nextInt(4) + 1; i > 0; i--) {
            // few jids and scores, so twins are common
            String jid = "j" + rnd.nextInt(8);
            String json =
                "{\"jid\":\""
                    + jid
                    + "\",\"jobtype\":\""
                    + pick(rnd, TYPES)
                    + "\",\"n\":"
                    + step
                    + (rnd.nextBoolean() ? ",\"error\":\"Timeout\"" : "")
                    + "}";
            batch.add(
                new SetEntry(
                    pick(rnd, List.of(SetName.values())),
                    T0.plusSeconds(rnd.nextInt(20)),
                    jid,
                    pick(rnd, QUEUES),
                    bytes(json)));
          }
          both(
              real,
              model,
              s -> {
                if (batch.size() == 1) {
                  SetEntry e = batch.getFirst();
                  s.addToSet(e.set(), e.score(), new QueuedJob(e.jid(), e.queue(), e.payload()));
                } else {
                  s.addAllToSet(batch);
                }
                return null;
              },
              op + " add");
        } else if (kind < 35) {
          Instant now = T0.plusSeconds(rnd.nextInt(25));
          int limit = rnd.nextInt(5) + 1;
          boolean drop = rnd.nextInt(4) == 0;
          both(
              real,
              model,
              s -> s.enqueueDue(set, now, limit, p -> drop ? null : bytes("re " + text(p))),
              op + " enqueueDue");
        } else if (kind < 40) {
          Instant now = T0.plusSeconds(rnd.nextInt(25));
          both(real, model, s -> s.purgeDue(set, now, 3), op + " purgeDue");
        } else if (kind < 43) {
          long max = rnd.nextInt(12);
          both(real, model, s -> s.trim(set, max), op + " trim");
        } else if (kind < 55) {
          Mutation m = mutation(rnd);
          int form = rnd.nextInt(3);
          List<SetEntry.Key> keys = someKeys(rnd, model, set);
          SetQuery query = query(rnd);
          int mod = rnd.nextInt(3) + 2;
          both(
              real,
              model,
              s ->
                  switch (form) {
                    case 0 ->
                        s.mutate(
                            set,
                            e -> Math.floorMod(e.jid().hashCode() + e.score().getNano(), mod) == 0,
                            m);
                    case 1 -> s.mutate(set, query, m);
                    default -> s.mutate(set, keys, m);
                  },
              op + " mutate " + form + " " + m + " " + query + " " + keys);
        } else if (kind < 85) {
          SetQuery query = query(rnd);
          List<SetEntry.Key> keys = someKeys(rnd, model, set);
          SetEntry.Key after = keys.isEmpty() || rnd.nextInt(4) == 0 ? null : keys.getFirst();
          int limit = rnd.nextInt(4) + 1;
          both(
              real,
              model,
              s -> pages(s, set, query, after, limit),
              op + " scan " + query + " after " + after);
        } else {
          List<SetEntry.Key> keys = someKeys(rnd, model, set);
          both(
              real,
              model,
              s -> keys.stream().map(k -> s.find(set, k).map(e -> line(e)).orElse("none")).toList(),
              op + " find " + keys);
        }
        for (SetName s : SetName.values()) {
          assertThat(real.setSize(s)).as(op + " size " + s).isEqualTo(model.setSize(s));
          assertThat(entries(real, s)).as(op + " entries " + s).isEqualTo(entries(model, s));
        }
        for (String q : QUEUES) {
          assertThat(jobs(real, q)).as(op + " queue " + q).isEqualTo(jobs(model, q));
        }
      }
    }
  }

  private static Mutation mutation(Random rnd) {
    return switch (rnd.nextInt(3)) {
      case 0 -> new Mutation.Delete();
      case 1 -> new Mutation.Kill(T0.plusSeconds(rnd.nextInt(20)));
      default -> new Mutation.Requeue();
    };
  }

  private static SetQuery query(Random rnd) {
    String type = rnd.nextInt(3) == 0 ? pick(rnd, TYPES) : null;
    String text = rnd.nextInt(3) == 0 ? pick(rnd, List.of("TIMEOUT", "j3", "\"n\":1")) : null;
    return new SetQuery(type, text, rnd.nextBoolean());
  }

  /**
   * Keys of existing entries (some without seq) and one that names nothing, never two for one
   * (score, jid): stores may resolve such a pair before or while acting (SQLite and PostgreSQL look
   * every key up first, the memory model one by one).
   */
  private static List<SetEntry.Key> someKeys(Random rnd, Store model, SetName set) {
    List<SetEntry> all = model.scan(set, null, 1000);
    List<SetEntry.Key> keys = new ArrayList<>();
    for (int i = rnd.nextInt(3); i > 0 && !all.isEmpty(); i--) {
      SetEntry.Key k = pick(rnd, all).key();
      keys.add(rnd.nextBoolean() ? k : new SetEntry.Key(k.score(), k.jid()));
    }
    if (rnd.nextInt(4) == 0) {
      keys.add(new SetEntry.Key(T0.plusSeconds(rnd.nextInt(20)), "j" + rnd.nextInt(8)));
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    return keys.stream().filter(k -> seen.add(k.score() + " " + k.jid())).toList();
  }

  /**
   * The first page, then every entry from the cursors onwards. Cursors themselves may differ where
   * the contract allows it (a filtered page may end at its last match or at the next entry).
   */
  private static List<String> pages(
      Store s, SetName set, SetQuery query, SetEntry.Key after, int limit) {
    SetPage first = s.scan(set, query, after, limit);
    List<String> out =
        new ArrayList<>(first.entries().stream().map(PgSetsModelTest::line).toList());
    out.add("then");
    SetEntry.Key cursor = first.next();
    while (cursor != null) {
      SetPage page = s.scan(set, query, cursor, limit);
      page.entries().forEach(e -> out.add(line(e)));
      cursor = page.next();
    }
    return out;
  }

  private static String line(SetEntry e) {
    return e.key() + " " + e.queue() + " " + text(e.payload());
  }

  private static List<String> entries(Store s, SetName set) {
    return s.scan(set, null, 1000).stream().map(PgSetsModelTest::line).toList();
  }

  private static List<String> jobs(Store s, String queue) {
    return s.browse(queue, 0, 1000).stream()
        .map(j -> j.jid() + " " + j.priority() + " " + text(j.payload()))
        .toList();
  }

  private static <T> void both(Store real, Store model, Function<Store, T> call, String op) {
    assertThat(call.apply(real)).as(op).isEqualTo(call.apply(model));
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
