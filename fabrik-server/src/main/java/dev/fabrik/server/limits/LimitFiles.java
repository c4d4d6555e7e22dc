package dev.fabrik.server.limits;

import dev.fabrik.server.config.ConfD;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads the {@code [throttles]} tables of every {@code <configdir>/conf.d/*.toml}, in file order (a
 * later file's rule for the same queue or job type wins):
 *
 * <pre>
 * [throttles]
 * scraper = { concurrency = 3, timeout = 120 }         # queue "scraper"
 * imports = { worker = 2, timeout = 300 }
 * [throttles.jobtypes]
 * SendEmail = { rate = 100, period = 60, key = "custom.tenant" }
 * </pre>
 *
 * A queue named {@code jobtypes} therefore cannot be throttled from conf.d (use the API). A
 * malformed rule is refused with its file and line; the others load.
 */
public final class LimitFiles {

  /**
   * @param rules the valid rules
   * @param errors one line per refused rule or unreadable file
   */
  public record Loaded(List<LimitRule> rules, List<String> errors) {}

  private static final Set<String> FIELDS =
      Set.of("concurrency", "worker", "timeout", "rate", "period", "key");

  private LimitFiles() {}

  /** Reads {@code configDir/conf.d/*.toml}; no folder means no rules. */
  public static Loaded read(Path configDir) {
    Path confD = configDir == null ? null : configDir.resolve("conf.d");
    if (confD == null || !Files.isDirectory(confD)) {
      return new Loaded(List.of(), List.of());
    }
    Map<String, LimitRule> rules = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    try {
      for (Path file : ConfD.tomlFiles(confD)) {
        try {
          read("conf.d/" + file.getFileName(), Toml.parse(file), rules, errors);
        } catch (IOException e) {
          errors.add("cannot read " + file + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      errors.add("cannot list " + confD + ": " + e.getMessage());
    }
    return new Loaded(List.copyOf(rules.values()), List.copyOf(errors));
  }

  /** Reads the rules of one TOML text (named {@code file} in errors). */
  public static Loaded parse(String file, String text) {
    Map<String, LimitRule> rules = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    read(file, Toml.parse(text), rules, errors);
    return new Loaded(List.copyOf(rules.values()), List.copyOf(errors));
  }

  private static void read(
      String file, TomlParseResult toml, Map<String, LimitRule> rules, List<String> errors) {
    if (toml.hasErrors()) {
      errors.add(
          "invalid TOML in " + file + ", its throttles are skipped: " + toml.errors().getFirst());
      return;
    }
    if (!toml.contains("throttles")) {
      return;
    }
    if (!toml.isTable("throttles")) {
      errors.add(file + line(toml.inputPositionOf("throttles")) + ": throttles must be a table");
      return;
    }
    TomlTable throttles = toml.getTable("throttles");
    for (String name : throttles.keySet()) {
      if (name.equals("jobtypes") && throttles.isTable(name)) {
        TomlTable types = throttles.getTable(name);
        for (String type : types.keySet()) {
          add(file, types, type, LimitRule.Scope.JOBTYPE, rules, errors);
        }
      } else {
        add(file, throttles, name, LimitRule.Scope.QUEUE, rules, errors);
      }
    }
  }

  private static void add(
      String file,
      TomlTable parent,
      String name,
      LimitRule.Scope scope,
      Map<String, LimitRule> rules,
      List<String> errors) {
    String where =
        file
            + line(parent.inputPositionOf(List.of(name)))
            + " throttle "
            + scope.word()
            + " \""
            + name
            + "\"";
    if (!parent.isTable(List.of(name))) {
      errors.add(where + ": must be a table, e.g. { concurrency = 3, timeout = 120 }");
      return;
    }
    TomlTable t = parent.getTable(List.of(name));
    try {
      for (String k : t.keySet()) {
        if (!FIELDS.contains(k)) {
          throw new IllegalArgumentException(
              "unknown setting \""
                  + k
                  + "\" (known: concurrency, worker, timeout, rate, period, key)");
        }
      }
      LimitRule rule =
          new LimitRule(
              scope,
              name,
              count(t, "concurrency"),
              count(t, "worker"),
              seconds(t, "timeout"),
              count(t, "rate"),
              seconds(t, "period"),
              text(t, "key"));
      rules.put(rule.id(), rule);
    } catch (IllegalArgumentException e) {
      errors.add(where + ": " + e.getMessage());
    }
  }

  private static int count(TomlTable t, String k) {
    if (!t.contains(k)) {
      return 0;
    }
    if (!t.isLong(k) || t.getLong(k) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(k + " must be a whole number");
    }
    return (int) (long) t.getLong(k);
  }

  private static Duration seconds(TomlTable t, String k) {
    if (!t.contains(k)) {
      return null;
    }
    if (!t.isLong(k)) {
      throw new IllegalArgumentException(k + " must be whole seconds");
    }
    return Duration.ofSeconds(t.getLong(k));
  }

  private static String text(TomlTable t, String k) {
    if (!t.contains(k)) {
      return null;
    }
    if (!t.isString(k)) {
      throw new IllegalArgumentException(k + " must be a string");
    }
    return t.getString(k);
  }

  private static String line(TomlPosition position) {
    return position == null ? "" : ":" + position.line();
  }
}
