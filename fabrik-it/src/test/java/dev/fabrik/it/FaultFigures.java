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
