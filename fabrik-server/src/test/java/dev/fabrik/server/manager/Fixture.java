package dev.fabrik.server.manager;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.workers.WorkerRegistry;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

/** A manager over a MemoryStore with a manual clock and a fixed backoff jitter. */
final class Fixture {
  final ManualClock clock = new ManualClock();
  final MemoryStore store = new MemoryStore();
  final WorkerRegistry workers = new WorkerRegistry(clock);
  final Manager manager;

  Fixture() {
    this(Duration.ofMillis(50));
  }

  Fixture(Duration fetchWait) {
    this(new ManagerSettings(fetchWait, Duration.ofDays(180), 1_000_000, 8 * 1024 * 1024), 0);
  }

  Fixture(ManagerSettings settings, int jitter) {
    manager = new Manager(store, workers, clock, settings, fixedRandom(jitter));
  }

  /** Backoff's R is always {@code r}. */
  static RandomGenerator fixedRandom(int r) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return r;
      }

      @Override
      public int nextInt(int bound) {
        return r;
      }
    };
  }

  static Job job(String json) {
    return JobCodec.decode(json);
  }

  static Job job(String jid, String jobtype, String queue) {
    return job(
        "{\"jid\":\""
            + jid
            + "\",\"jobtype\":\""
            + jobtype
            + "\",\"args\":[1],\"queue\":\""
            + queue
            + "\"}");
  }

  Job fetchJob(String... queues) throws InterruptedException {
    return manager.fetch("", List.of(queues)).map(JobCodec::decode).orElse(null);
  }

  long size(String queue) {
    return store.queueSize(queue);
  }

  long size(SetName set) {
    return store.setSize(set);
  }
}
