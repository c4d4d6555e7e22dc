package dev.fabrik.bench;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.OptionKeys;
import dev.fabrik.server.expiry.ExpiredJobs;
import dev.fabrik.server.expiry.ExpiringJobs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What expiring jobs add to a job that does not use them: the one pass over the stored payload that
 * every FETCH and ACK makes for all option keys ({@link OptionKeys}) and the hook's look at it
 * ({@code inspects}), and the PUSH hook on a job without {@code custom}; the decode it avoids is
 * there for scale. Payload: a Node-shaped job as the store keeps it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExpiryCheckBenchmark {
  private final byte[] stored =
      ("{\"jid\":\"0b7c1d8e-8a3f-4d0e-9c7b-2f1e6a5d4c3b\",\"jobtype\":\"SendEmail\","
              + "\"args\":[42,\"user@example.com\",{\"template\":\"welcome\"}],\"queue\":\"default\","
              + "\"retry\":25,\"created_at\":\"2026-11-22T22:01:15.123456Z\","
              + "\"enqueued_at\":\"2026-11-22T22:01:15.123456Z\",\"priority\":5}")
          .getBytes(StandardCharsets.UTF_8);
  private final Job pushed = JobCodec.decode(stored);
  private final ExpiringJobs hook = new ExpiringJobs(Clock.systemUTC(), ExpiredJobs.none());

  @Benchmark
  public boolean probeOnFetch() {
    return hook.inspects(OptionKeys.of(stored));
  }

  @Benchmark
  public Job pushHook() {
    hook.beforePush(pushed);
    return pushed;
  }

  @Benchmark
  public Job decodeAvoided() {
    return JobCodec.decode(stored);
  }
}
