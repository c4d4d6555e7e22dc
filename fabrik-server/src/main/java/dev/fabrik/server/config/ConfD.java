package dev.fabrik.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The {@code conf.d} folder: its TOML files, read by settings and by cron alike. */
public final class ConfD {
  private ConfD() {}

  /**
   * The regular {@code *.toml} files of {@code confD} in name order, the order their settings and
   * {@code [[cron]]} entries are merged in.
   */
  public static List<Path> tomlFiles(Path confD) throws IOException {
    try (Stream<Path> list = Files.list(confD)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".toml"))
          .filter(Files::isRegularFile)
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }
}
