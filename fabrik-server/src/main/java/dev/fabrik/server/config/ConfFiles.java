package dev.fabrik.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads Faktory-style {@code <configdir>/conf.d/*.toml}: every file in alphabetical order, a key in
 * a later file overriding the same key in an earlier one. {@code [fabrik]} and {@code [faktory]}
 * are the same table (so Faktory config dirs work unchanged); within one file {@code [fabrik]}
 * wins. Example:
 *
 * <pre>
 * [fabrik]
 * binding = "127.0.0.1:7419"
 * durability = "strict"
 * [web]
 * binding = ":0"      # Faktory's way to turn the web UI off
 * </pre>
 */
final class ConfFiles {

  enum Kind {
    STRING,
    INTEGER,
    STRINGS
  }

  /** Canonical key ({@code server.binding}, {@code web.binding}, {@code tls.cert}) → its type. */
  static final Map<String, Kind> KEYS =
      Map.ofEntries(
          Map.entry("server.binding", Kind.STRING),
          Map.entry("server.password", Kind.STRING),
          Map.entry("server.storage", Kind.STRING),
          Map.entry("server.data_dir", Kind.STRING),
          Map.entry("server.database_url", Kind.STRING),
          Map.entry("server.schema", Kind.STRING),
          Map.entry("server.database_pool_size", Kind.INTEGER),
          Map.entry("server.durability", Kind.STRING),
          Map.entry("server.max_connections", Kind.INTEGER),
          Map.entry("server.max_line_bytes", Kind.INTEGER),
          Map.entry("server.max_job_bytes", Kind.INTEGER),
          Map.entry("server.max_buffered_bytes", Kind.INTEGER),
          Map.entry("server.dead_ttl_days", Kind.INTEGER),
          Map.entry("server.dead_max_size", Kind.INTEGER),
          Map.entry("batches.retention_hours", Kind.INTEGER),
          Map.entry("workflows.retention_hours", Kind.INTEGER),
          Map.entry("history.minutes", Kind.STRING),
          Map.entry("history.hours", Kind.STRING),
          Map.entry("history.days", Kind.STRING),
          Map.entry("postgres.ack_commit", Kind.STRING),
          Map.entry("web.binding", Kind.STRING),
          Map.entry("web.allowed_hosts", Kind.STRINGS),
          Map.entry("web.max_connections", Kind.INTEGER),
          Map.entry("web.header_timeout_seconds", Kind.INTEGER),
          Map.entry("web.body_timeout_seconds", Kind.INTEGER),
          Map.entry("web.idle_timeout_seconds", Kind.INTEGER),
          Map.entry("tls.cert", Kind.STRING),
          Map.entry("tls.key", Kind.STRING));

  /** A value and where it was written, e.g. {@code conf.d/10-main.toml:3 [fabrik] storage}. */
  record Value(Object value, String source) {
    String string() {
      return (String) value;
    }

    long integer() {
      return (Long) value;
    }

    @SuppressWarnings("unchecked")
    List<String> strings() {
      return (List<String>) value;
    }
  }

  /** What the files said, by canonical key, plus warnings about keys we ignore. */
  record Settings(List<Path> files, Map<String, Value> values, List<String> warnings) {
    static Settings empty() {
      return new Settings(List.of(), Map.of(), List.of());
    }

    Value get(String key) {
      return values.get(key);
    }
  }

  private ConfFiles() {}

  /** Reads {@code configDir/conf.d/*.toml}; a missing folder is an empty configuration. */
  static Settings read(Path configDir) {
    Path confD = configDir.resolve("conf.d");
    if (!Files.isDirectory(confD)) {
      return Settings.empty();
    }
    List<Path> files;
    try {
      files = ConfD.tomlFiles(confD);
    } catch (IOException e) {
      throw new ConfigException("cannot list " + confD + ": " + e.getMessage(), e);
    }
    Map<String, Value> values = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    for (Path file : files) {
      readFile(file, values, warnings);
    }
    return new Settings(files, Map.copyOf(values), List.copyOf(warnings));
  }

  private static void readFile(Path file, Map<String, Value> values, List<String> warnings) {
    TomlParseResult toml;
    try {
      toml = Toml.parse(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (toml.hasErrors()) {
      throw new ConfigException("invalid TOML in " + file + ": " + toml.errors().getFirst());
    }
    for (String key : toml.keySet()) {
      switch (key) {
        case "faktory", "fabrik", "web", "tls", "batches", "workflows", "history", "postgres" -> {
          if (!toml.isTable(key)) {
            throw new ConfigException(
                file
                    + line(toml.inputPositionOf(key))
                    + ": "
                    + key
                    + " must be a table (["
                    + key
                    + "])");
          }
        }
        case "cron" -> {} // [[cron]] entries: read by dev.fabrik.server.cron.CronFiles
        case "throttles" -> {} // limits: read by dev.fabrik.server.limits.LimitFiles
        default -> warnings.add(file + ": ignoring unknown key or table \"" + key + "\"");
      }
    }
    // [faktory] first so that [fabrik] in the same file overrides it.
    readTable(file, toml, "faktory", "server", values, warnings);
    readTable(file, toml, "fabrik", "server", values, warnings);
    readTable(file, toml, "web", "web", values, warnings);
    readTable(file, toml, "tls", "tls", values, warnings);
    readTable(file, toml, "batches", "batches", values, warnings);
    readTable(file, toml, "workflows", "workflows", values, warnings);
    readTable(file, toml, "history", "history", values, warnings);
    readTable(file, toml, "postgres", "postgres", values, warnings);
  }

  private static void readTable(
      Path file,
      TomlParseResult toml,
      String table,
      String section,
      Map<String, Value> values,
      List<String> warnings) {
    TomlTable t = toml.getTable(table);
    if (t == null) {
      return;
    }
    for (String key : t.keySet()) {
      String canonical = section + "." + key;
      Kind kind = KEYS.get(canonical);
      String where =
          file + line(toml.inputPositionOf(List.of(table, key))) + " [" + table + "] " + key;
      if (kind == null) {
        warnings.add(where + ": unknown key, ignored");
        continue;
      }
      Object value = t.get(List.of(key));
      boolean ok =
          switch (kind) {
            case STRING -> value instanceof String;
            case INTEGER -> value instanceof Long;
            case STRINGS ->
                value instanceof TomlArray a
                    && a.toList().stream().allMatch(String.class::isInstance);
          };
      if (!ok) {
        throw new ConfigException(
            where
                + " must be "
                + switch (kind) {
                  case STRING -> "a string";
                  case INTEGER -> "an integer";
                  case STRINGS -> "an array of strings";
                }
                + ", not "
                + describe(value));
      }
      if (value instanceof TomlArray a) {
        value = a.toList().stream().map(String.class::cast).toList();
      }
      values.put(canonical, new Value(value, where));
    }
  }

  private static String line(TomlPosition position) {
    return position == null ? "" : ":" + position.line();
  }

  private static String describe(Object value) {
    return switch (value) {
      case String s -> "the string \"" + s + "\"";
      case Long n -> "the integer " + n;
      case Double d -> "the number " + d;
      case Boolean b -> "the boolean " + b;
      case TomlTable t -> "a table";
      case TomlArray a -> "an array";
      default -> value.toString();
    };
  }
}
