package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Counters;
import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetName;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What survives a clean restart and a {@code kill -9} of the process. */
class SqliteCrashTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void everythingCommittedSurvivesAKilledProcess() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    int lastCommitted = -1;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("committed ")) {
          lastCommitted = Integer.parseInt(line.substring("committed ".length()));
          if (lastCommitted >= 300) {
            child.destroyForcibly();
            break;
          }
        }
      }
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(lastCommitted).as("child output").isGreaterThanOrEqualTo(300);

    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      List<String> queued = new ArrayList<>();
      for (QueuedJob j : store.browse("q", 0, Integer.MAX_VALUE)) {
        queued.add(j.jid());
      }
      // reserved-at-crash jobs are queued again; the order is the order of the commits
      List<String> expectedPrefix = new ArrayList<>();
      for (int i = 0; i <= lastCommitted; i++) {
        expectedPrefix.add("j" + i);
      }
      assertThat(queued.size()).isGreaterThanOrEqualTo(expectedPrefix.size());
      assertThat(queued.subList(0, expectedPrefix.size())).isEqualTo(expectedPrefix);
      assertThat(store.queueSize("q")).isEqualTo(queued.size());
      assertThat(store.pausedQueues()).containsExactly("paused-q");
      assertThat(store.queueSize("paused-q")).isEqualTo(1);
      assertThat(store.setSize(SetName.DEAD)).isEqualTo(1);
      assertThat(store.counters()).isEqualTo(new Counters(1, 0));
      assertThat(store.workingSize()).isZero();

      Reservation r =
          store.reserve(List.of("q"), "w", T0, payload -> T0.plusSeconds(5)).orElseThrow();
      assertThat(r.jid()).isEqualTo("j0");
      assertThat(new String(r.payload(), StandardCharsets.UTF_8)).contains("\"j0\"");
      store.enqueue(List.of(CrashChild.job("new", "q")));
      assertThat(store.browse("q", store.queueSize("q") - 1, 1).getFirst().jid()).isEqualTo("new");
    }
  }

  @Test
  void cleanRestartKeepsQueuesSetsFlagsAndCounters() {
    try (SqliteStore store = SqliteStore.open(dir, Durability.POWER_LOSS)) {
      for (int i = 0; i < 10; i++) {
        store.enqueue(List.of(CrashChild.job("a" + i, "a"), CrashChild.job("b" + i, "b")));
      }
      store.reserve(List.of("a"), "w", T0, payload -> T0.plusSeconds(5));
      store.reserve(List.of("a"), "w", T0, payload -> T0.plusSeconds(5));
      store.acknowledge("a0");
      store.fail(
          "a1", res -> new dev.fabrik.server.storage.FailureDecision.Retry(T0, res.payload()));
      store.reserve(List.of("a"), "w", T0, payload -> T0.plusSeconds(5)); // a2 stays reserved
      store.pause(List.of("b"));
      store.enqueue(List.of(CrashChild.job("e", "empty")));
      store.reserve(List.of("empty"), "w", T0, payload -> T0.plusSeconds(5));
      store.acknowledge("e");
    }
    try (SqliteStore store = SqliteStore.open(dir, Durability.POWER_LOSS)) {
      assertThat(store.queueSizes())
          .containsEntry("a", 8L)
          .containsEntry("b", 10L)
          .containsEntry("empty", 0L);
      assertThat(store.pausedQueues()).containsExactly("b");
      assertThat(store.setSize(SetName.RETRIES)).isEqualTo(1);
      assertThat(store.counters()).isEqualTo(new Counters(3, 1));
      Optional<Reservation> first =
          store.reserve(List.of("a"), "w", T0, payload -> T0.plusSeconds(5));
      assertThat(first).map(Reservation::jid).contains("a2");
      assertThat(store.enqueueDue(SetName.RETRIES, T0, 10, p -> p)).isEqualTo(1);
      assertThat(store.browse("a", 7, 1).getFirst().jid()).isEqualTo("a1");
    }
  }
}
