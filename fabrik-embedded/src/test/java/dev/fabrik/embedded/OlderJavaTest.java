package dev.fabrik.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application on JDK 17 calling {@link EmbeddedFabrik#start()} with this module's real classes
 * on its class path: it must get {@link UnsupportedJavaException}, not an {@code
 * UnsupportedClassVersionError}. Runs a one-file program on an installed JDK 17 (JAVA17_HOME or
 * /usr/lib/jvm); without one it fails in CI and is aborted with a warning elsewhere.
 */
class OlderJavaTest {
  private static final String PROBE =
      """
      public class Probe {
        public static void main(String[] args) {
          try {
            dev.fabrik.embedded.EmbeddedFabrik.start().close();
            System.out.println("STARTED");
          } catch (dev.fabrik.embedded.UnsupportedJavaException e) {
            System.out.println("REFUSED feature=" + e.feature() + ": " + e.getMessage());
          }
        }
      }
      """;

  @Test
  void onJava17StartThrowsTheClearError(@TempDir Path dir) throws Exception {
    Path java = java17();
    Path probe = dir.resolve("Probe.java");
    Files.writeString(probe, PROBE);
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p =
        new ProcessBuilder(List.of(java.toString(), "-cp", classPath, probe.toString()))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(output)
        .as("exit %d", p.exitValue())
        .startsWith("REFUSED feature=17: the embedded Fabrik server needs Java 25 or newer")
        .doesNotContain("UnsupportedClassVersionError");
    assertThat(p.exitValue()).isZero();
  }

  private static Path java17() {
    Optional<Path> home = find17();
    if (home.isEmpty()) {
      String why = "no JDK 17 found (JAVA17_HOME or /usr/lib/jvm)";
      if (System.getenv("CI") != null) {
        fail(why + "; required in CI");
      }
      System.err.println("WARNING: the Java 17 test of fabrik-embedded was NOT run: " + why);
      Assumptions.abort(why);
    }
    return home.get().resolve("bin").resolve("java");
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
      return homes.sorted().filter(OlderJavaTest::isJdk17).findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isJdk17(Path home) {
    try {
      return Files.isExecutable(home.resolve("bin/java"))
          && Files.readAllLines(home.resolve("release")).stream()
              .anyMatch(l -> l.startsWith("JAVA_VERSION=\"17"));
    } catch (IOException e) {
      return false;
    }
  }
}
