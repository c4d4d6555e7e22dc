package dev.fabrik.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds an installed JDK 17 (the default JDK of many systems and the client library's baseline) for
 * tests of what a user on it sees: {@code JAVA17_HOME} (set by dev/test), else the first folder in
 * /usr/lib/jvm whose {@code release} file says {@code JAVA_VERSION="17...}. Without one the test
 * cannot mean anything: in CI ({@code CI} set) it fails, elsewhere it is aborted with a warning,
 * the way dev/test treats a missing JDK 17.
 */
final class OlderJdks {
  private OlderJdks() {}

  /** {@code <JDK 17>/bin/java}. */
  static Path java17() {
    return find17()
        .map(home -> home.resolve("bin").resolve("java"))
        .orElseGet(
            () -> {
              String why = "no JDK 17 found (JAVA17_HOME or /usr/lib/jvm)";
              if (System.getenv("CI") != null) {
                fail(why + "; required in CI");
              }
              System.err.println("WARNING: Java 17 launch test NOT run: " + why);
              Assumptions.abort(why);
              throw new AssertionError("unreachable");
            });
  }

  private static Optional<Path> find17() {
    String configured = System.getenv("JAVA17_HOME");
    if (configured != null && isJdk17(Path.of(configured))) {
      return Optional.of(Path.of(configured));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(jvms)) {
      return homes.sorted().filter(OlderJdks::isJdk17).findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isJdk17(Path home) {
    Path release = home.resolve("release");
    if (!Files.isExecutable(home.resolve("bin").resolve("java")) || !Files.isRegularFile(release)) {
      return false;
    }
    try {
      List<String> lines = Files.readAllLines(release);
      return lines.stream().anyMatch(l -> l.startsWith("JAVA_VERSION=\"17"));
    } catch (IOException e) {
      return false;
    }
  }
}
