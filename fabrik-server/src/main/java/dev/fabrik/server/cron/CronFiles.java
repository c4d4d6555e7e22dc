package dev.fabrik.server.cron;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.config.ConfD;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the {@code [[cron]]} entries of every {@code <configdir>/conf.d/*.toml}, in file order
 * (alphabetical, like the rest of the config), merged into one list:
 *
 * <pre>
 * [[cron]]
 *   name = "rollup"                 # optional
 *   schedule = "*&#47;5 * * * *"
 *   timezone = "Europe/Berlin"      # optional
 *   catch_up = "last"               # optional: none | last | all
 *   [cron.job]
 *     type = "RollupJob"
 *     queue = "reports"
 *     args = [1, 2]
 *     [cron.job.custom]
 *       expires_in = 60
 * </pre>
 *
 * A bad entry (or a file that is not valid TOML) is reported in {@link Loaded#errors()} and left
 * out; every other entry still loads, so one typo never silences the rest of the schedule.
 */
public final class CronFiles {

  /**
   * @param entries the valid entries, in file order
   * @param errors one line per refused entry or unreadable file, naming file and line
   */
  public record Loaded(List<CronEntry> entries, List<String> errors) {}

  private CronFiles() {}

  /** Reads {@code configDir/conf.d/*.toml}; no folder means no entries. */
  public static Loaded read(Path configDir) {
    List<CronEntry> entries = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Path confD = configDir == null ? null : configDir.resolve("conf.d");
    if (confD == null || !Files.isDirectory(confD)) {
      return new Loaded(List.of(), List.of());
    }
    List<Path> files;
    try {
      files = ConfD.tomlFiles(confD);
    } catch (IOException e) {
      return new Loaded(List.of(), List.of("cannot list " + confD + ": " + e.getMessage()));
    }
    Set<String> ids = new HashSet<>();
    for (Path file : files) {
      readFile(file, entries, errors, ids);
    }
    return new Loaded(List.copyOf(entries), List.copyOf(errors));
  }

  private static void readFile(
      Path file, List<CronEntry> entries, List<String> errors, Set<String> ids) {
    TomlParseResult toml;
    try {
      toml = Toml.parse(file);
    } catch (IOException e) {
      errors.add("cannot read " + file + ": " + e.getMessage());
      return;
    }
    if (toml.hasErrors()) {
      errors.add(
          "invalid TOML in "
              + file
              + ", its cron entries are skipped: "
              + toml.errors().getFirst());
      return;
    }
    if (!toml.contains("cron")) {
      return;
    }
    if (!toml.isArray("cron")) {
      errors.add(file + line(toml.inputPositionOf("cron")) + ": cron must be [[cron]] tables");
      return;
    }
    TomlArray array = toml.getArray("cron");
    for (int i = 0; i < array.size(); i++) {
      String where =
          "conf.d/" + file.getFileName() + line(array.inputPositionOf(i)) + " [[cron]] #" + (i + 1);
      if (!(array.get(i) instanceof TomlTable table)) {
        errors.add(where + ": must be a table");
        continue;
      }
      try {
        ObjectNode definition = (ObjectNode) JobCodec.MAPPER.readTree(table.toJson());
        CronEntry entry = CronDefinitions.parse(definition, where);
        if (!ids.add(entry.id())) {
          errors.add(
              where
                  + ": another entry already has id \""
                  + entry.id()
                  + "\" (give each a different name, or remove the duplicate)");
          continue;
        }
        entries.add(entry);
      } catch (IllegalArgumentException e) {
        errors.add(where + ": " + e.getMessage());
      }
    }
  }

  private static String line(TomlPosition position) {
    return position == null ? "" : ":" + position.line();
  }
}
