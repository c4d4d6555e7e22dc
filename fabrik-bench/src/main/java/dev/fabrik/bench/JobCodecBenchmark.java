package dev.fabrik.bench;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import java.nio.charset.StandardCharsets;
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
 * The JSON cost every PUSH pays: decoding the job a client sent, and encoding it back with defaults
 * and {@code enqueued_at} filled in. Payload shaped like the Node client's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JobCodecBenchmark {
  private final byte[] nodeJob =
      ("{\"jid\":\"0b7c1d8e-8a3f-4d0e-9c7b-2f1e6a5d4c3b\",\"jobtype\":\"SendEmail\","
              + "\"args\":[42,\"user@example.com\",{\"template\":\"welcome\"}],\"queue\":\"default\","
              + "\"priority\":5,\"retry\":25}")
          .getBytes(StandardCharsets.UTF_8);
  private final Job decoded = JobCodec.decode(nodeJob);

  @Benchmark
  public Job decode() {
    return JobCodec.decode(nodeJob);
  }

  @Benchmark
  public byte[] encode() {
    return JobCodec.encode(decoded.withEnqueuedAt("2026-11-22T22:01:15.123456Z"));
  }
}
