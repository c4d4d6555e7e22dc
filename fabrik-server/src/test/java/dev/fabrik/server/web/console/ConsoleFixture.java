package dev.fabrik.server.web.console;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.ManagerSettings;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.workers.WorkerRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** A console over a MemoryStore and a manual clock, with helpers to put jobs where tests want. */
final class ConsoleFixture {
  static final Duration DEAD_TTL = Duration.ofDays(180);

  final ManualClock clock = new ManualClock();
  final MemoryStore store = new MemoryStore();
  final WorkerRegistry workers = new WorkerRegistry(clock);
  final Manager manager =
      new Manager(
          store,
          workers,
          clock,
          new ManagerSettings(Duration.ofMillis(10), DEAD_TTL, 1_000_000, 1 << 20));
  final StatsHistory history = StatsHistory.standard(clock, store::counters);
  int connections = 3;
  final Console console = new Console(store, manager, workers, clock, () -> connections, history);

  void push(String jid, String jobtype, String queue) {
    manager.push(
        JobCodec.decode(
            "{\"jid\":\""
                + jid
                + "\",\"jobtype\":\""
                + jobtype
                + "\",\"args\":[1,\"x\"],\"queue\":\""
                + queue
                + "\"}"));
  }

  /** A failed job with a failure block, straight into {@code set} scored at {@code score}. */
  void addFailed(SetName set, Instant score, String jid, String jobtype, String message) {
    String json =
        "{\"jid\":\""
            + jid
            + "\",\"jobtype\":\""
            + jobtype
            + "\",\"args\":[\"arg-"
            + jid
            + "\"],\"queue\":\"default\",\"retry\":25,\"created_at\":\"2026-06-30T16:00:00Z\","
            + "\"custom\":{\"tenant\":7},\"failure\":{\"retry_count\":2,\"remaining\":23,"
            + "\"failed_at\":\"2026-06-30T16:00:01Z\",\"message\":\""
            + message
            + "\",\"errtype\":\"RuntimeError\",\"backtrace\":[\"a.rb:1\",\"b.rb:2\"]}}";
    store.addToSet(
        set, score, new QueuedJob(jid, "default", json.getBytes(StandardCharsets.UTF_8)));
  }
}
