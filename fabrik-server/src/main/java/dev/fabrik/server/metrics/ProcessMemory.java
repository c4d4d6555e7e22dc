package dev.fabrik.server.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * How much memory the server process holds. INFO's {@code used_memory_mb} and operators mean the
 * resident set (what the machine lost to us), not the Java heap in use, which leaves out the SQLite
 * page caches, metaspace and thread stacks. Read from {@code /proc/self/status} on Linux; elsewhere
 * the heap in use is the best we can say.
 */
public final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMemory() {}

  /** Resident set size in bytes, or the heap in use where the OS does not tell. */
  public static long residentBytes() {
    try {
      OptionalLong rss = vmRssBytes(Files.readAllLines(STATUS));
      if (rss.isPresent()) {
        return rss.getAsLong();
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not Linux, or /proc not mounted: fall through
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** The {@code VmRSS: 123456 kB} line of a /proc status file, in bytes. */
  static OptionalLong vmRssBytes(List<String> statusLines) {
    for (String line : statusLines) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
        try {
          return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }
}
