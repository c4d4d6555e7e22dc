package dev.fabrik.bench;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.expiry.ExpiredJobs;
import dev.fabrik.server.expiry.ExpiringJobs;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.ManagerSettings;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.workers.WorkerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One job's PUSH, FETCH and ACK through the manager on a memory store (no sockets, no disk), with
 * and without the expiring-jobs hook, for a job that has no expiry: what the feature adds to the
 * job life when nobody uses it, against the in-process cost of that life.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExpiryLifecycleBenchmark {
  @Param({"false", "true"})
  public boolean expiringJobsHook;

  private final Job job =
      JobCodec.decode(
          "{\"jid\":\"0b7c1d8e-8a3f-4d0e-9c7b-2f1e6a5d4c3b\",\"jobtype\":\"SendEmail\","
              + "\"args\":[42,\"user@example.com\",{\"template\":\"welcome\"}],\"queue\":\"bench\","
              + "\"retry\":25,\"priority\":5}");
  private final List<String> queues = List.of("bench");
  private Manager manager;

  @Setup
  public void setUp() {
    Clock clock = Clock.systemUTC();
    manager =
        new Manager(
            new MemoryStore(),
            new WorkerRegistry(clock),
            clock,
            new ManagerSettings(Duration.ZERO, Duration.ofDays(180), 1_000_000, 8 << 20));
    if (expiringJobsHook) {
      manager.use(new ExpiringJobs(clock, ExpiredJobs.none()));
    }
  }

  @Benchmark
  public void pushFetchAck() {
    manager.push(job);
    manager.fetchNow("", queues).orElseThrow();
    manager.ack(job.jid());
  }
}
