package dev.fabrik.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Every push-to-fetch sample of a latency phase, one CSV line each, so that a slow sample can be
 * matched to what the server did at that moment (a GC or safepoint log line with {@code
 * -Xlog:...:file=...:utctime}, a WAL checkpoint, a JFR event). Written by {@code fabrik bench
 * --latency-trace FILE}:
 *
 * <pre>
 * pushed_at,latency_ms
 * 2026-12-05T11:40:02.118342Z,0.231
 * </pre>
 *
 * The wall-clock time is the push's {@code System.nanoTime()} mapped through one reading of both
 * clocks taken when the phase starts: exact relative to each other, within the wall clock's own
 * accuracy absolutely.
 */
final class LatencyTrace {
  private final long anchorNanos = System.nanoTime();
  private final Instant anchorWall = Instant.now();
  private final long[] pushedNanos;
  private final long[] latencyNanos;

  LatencyTrace(int capacity) {
    this.pushedNanos = new long[capacity];
    this.latencyNanos = new long[capacity];
  }

  /** Records sample {@code i}: pushed at {@code pushedNanos}, fetched at {@code fetchedNanos}. */
  void record(int i, long pushedNanos, long fetchedNanos) {
    this.pushedNanos[i] = pushedNanos;
    this.latencyNanos[i] = fetchedNanos - pushedNanos;
  }

  /** The latencies of the first {@code count} samples, for the phase's percentiles. */
  Samples samples(int count) {
    return new Samples(latencyNanos, count);
  }

  /** Writes the first {@code count} samples, in the order they were fetched. */
  void write(Path file, int count) {
    try (Writer out = Files.newBufferedWriter(file)) {
      out.write("pushed_at,latency_ms\n");
      for (int i = 0; i < count; i++) {
        Instant pushed = anchorWall.plusNanos(pushedNanos[i] - anchorNanos);
        out.write(pushed + "," + String.format("%.3f", latencyNanos[i] / 1e6) + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the latency trace " + file, e);
    }
  }
}
