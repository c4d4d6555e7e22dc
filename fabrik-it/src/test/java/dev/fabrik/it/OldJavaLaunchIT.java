package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A new user's first command, {@code java -jar fabrik.jar server}, on the JDK 17 their system
 * ships: one clear message naming the fix and exit code 3, never {@code
 * UnsupportedClassVersionError}. And the same jar on the JDK running this test still works.
 */
class OldJavaLaunchIT {

  @Test
  void onJava17TheJarSaysItNeedsJava25() throws Exception {
    Result r = run(OlderJdks.java17(), "server", "--storage", "memory");

    assertThat(r.exit).as(r.output).isEqualTo(3);
    assertThat(r.output)
        .startsWith("fabrik needs Java 25 or newer, but this is Java 17 (")
        .contains("JAVA_HOME=/path/to/jdk-25 bin/fabrik server")
        .doesNotContain("UnsupportedClassVersionError")
        .doesNotContain("Exception");
  }

  @Test
  void onJava25TheLauncherHandsOverToTheRealCommand() throws Exception {
    Result r = run(Path.of(System.getProperty("java.home"), "bin", "java"), "--version");

    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.output).startsWith("fabrik ");
  }

  private record Result(int exit, String output) {}

  private static Result run(Path java, String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(java.toString(), "-jar", ServerProcess.jar().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Result(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
