package dev.fabrik.cli.admin;

import dev.fabrik.client.admin.SetFilter;
import picocli.CommandLine.Option;

/** The web UI's filter of the Retries, Scheduled and Dead pages, as options. */
final class SetOptions {
  @Option(names = "--type", paramLabel = "JOBTYPE", description = "Only this job type (exact).")
  String type;

  @Option(
      names = {"--search", "-q"},
      paramLabel = "TEXT",
      description =
          "Only entries whose JSON (args, error, backtrace, jid, custom) contains TEXT,"
              + " ASCII case ignored.")
  String search;

  SetFilter filter(boolean descending) {
    return new SetFilter(type, search, descending);
  }

  /** {@code (type SendEmail, matching "timeout")}, or empty when unfiltered. */
  String describe() {
    if (type == null && search == null) {
      return "";
    }
    StringBuilder s = new StringBuilder(" (");
    if (type != null) {
      s.append("type ").append(type);
    }
    if (search != null) {
      s.append(type != null ? ", " : "").append("matching \"").append(search).append('"');
    }
    return s.append(')').toString();
  }
}
