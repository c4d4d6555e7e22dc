package dev.fabrik.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The fault tests' figures: one line per test run on stdout and appended to the file named by
 * {@code -Dfabrik.fault.figures} (the pom points it at {@code target/fault-figures.txt}), where
 * {@code fabrik-bench/scripts/crashloop.sh} collects them.
 */
final class FaultFigures {
  private FaultFigures() {}

  /** Keeps {@code text} beside the figures file as {@code name}, for a look after the run. */
  static void keep(String name, String text) {
    String file = System.getProperty("fabrik.fault.figures");
    if (file == null) {
      return;
    }
    try {
      Path path = Path.of(file).toAbsolutePath().resolveSibling(name);
      Files.createDirectories(path.getParent());
      Files.writeString(path, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void record(String line) {
    System.out.println("fault figures: " + line);
    String file = System.getProperty("fabrik.fault.figures");
    if (file == null) {
      return;
    }
    try {
      Path path = Path.of(file);
      Files.createDirectories(path.toAbsolutePath().getParent());
      Files.writeString(
          path,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
