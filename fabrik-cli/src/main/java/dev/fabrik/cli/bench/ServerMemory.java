package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The server's memory at one moment: INFO's {@code server.used_memory_mb} (what the server says it
 * uses) and, when we know its pid and share its machine, the kernel's view from {@code
 * /proc/<pid>/status} ({@code VmRSS}: resident now; {@code VmHWM}: the peak).
 *
 * @param usedMemoryMb -1 when INFO did not say
 * @param vmRssKb -1 when unknown
 * @param vmHwmKb -1 when unknown
 */
record ServerMemory(long usedMemoryMb, long vmRssKb, long vmHwmKb) {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  static ServerMemory sample(ProtocolConnection conn, Long pid) {
    long used = -1;
    Reply reply = conn.call("INFO");
    if (reply instanceof Reply.Bulk bulk) {
      JsonNode server = JSON.readTree(bulk.payload()).path("server");
      used = server.path("used_memory_mb").asLong(-1);
    }
    long rss = -1;
    long hwm = -1;
    if (pid != null) {
      Path status = Path.of("/proc", pid.toString(), "status");
      try {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("VmRSS:")) {
            rss = kilobytes(line);
          } else if (line.startsWith("VmHWM:")) {
            hwm = kilobytes(line);
          }
        }
      } catch (IOException e) {
        // not on Linux, or the process is elsewhere: INFO's figure is all we report
      }
    }
    return new ServerMemory(used, rss, hwm);
  }

  /** {@code VmRSS: 123456 kB} → 123456. */
  private static long kilobytes(String line) {
    String digits = line.replaceAll("[^0-9]", "");
    return digits.isEmpty() ? -1 : Long.parseLong(digits);
  }
}
