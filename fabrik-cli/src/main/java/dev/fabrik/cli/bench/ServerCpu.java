package dev.fabrik.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time a server process has used so far, all its threads together, from {@code
 * /proc/<pid>/stat}: per job, it tells what a change costs or saves on the server apart from the
 * load generator sharing the machine (which jobs/s cannot). It still drifts with the machine (20-30
 * µs per PUSH on our VM from one hour to the next, while jobs/s moved 1.7x), so compare builds
 * within the same minutes.
 *
 * <pre>
 * 4242 (java) S 1 4242 ... 14:utime 15:stime ...   (clock ticks; the name may hold spaces and ')')
 * </pre>
 */
final class ServerCpu {

  /** Linux's USER_HZ: the unit of utime and stime, 100 on every architecture Java runs on. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private ServerCpu() {}

  /** User + system CPU time of {@code pid} in nanoseconds; -1 when unknown (no pid, no /proc). */
  static long nanos(Long pid) {
    if (pid == null) {
      return -1;
    }
    try {
      return parse(Files.readString(Path.of("/proc", pid.toString(), "stat")));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Parses a {@code /proc/<pid>/stat} line; fields are counted after the name's last ')'. */
  static long parse(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
  }
}
