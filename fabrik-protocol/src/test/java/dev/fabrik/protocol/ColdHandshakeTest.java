package dev.fabrik.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A cold client must not spend the server's 2 s handshake deadline (Faktory's) loading its own JSON
 * and digest classes: run a first-ever password handshake in a fresh JVM that logs every class
 * load, and check that none of those classes loaded between the server's accept and the end of the
 * handshake (before the fix: 0.25 s of loading on an idle machine).
 */
class ColdHandshakeTest {
  /** Jackson, the digest, and the method handles a record's equals is bootstrapped with. */
  private static final List<String> LIBRARIES =
      List.of("tools.jackson.", "sun.security.", "java.lang.invoke.", "java.lang.runtime.");

  @Test
  void aColdClientLoadsItsHandshakeCodeBeforeItConnects() throws Exception {
    List<String> out = runChild();

    assertThat(out).contains(ColdHandshake.ACCEPTED, ColdHandshake.DONE);
    List<String> loadedWhileDeadlineRan =
        out.subList(out.indexOf(ColdHandshake.ACCEPTED), out.indexOf(ColdHandshake.DONE)).stream()
            .filter(line -> LIBRARIES.stream().anyMatch(line::contains))
            .toList();
    assertThat(loadedWhileDeadlineRan).isEmpty();
  }

  private static List<String> runChild() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = Files.createTempFile("cold-handshake", ".log");
    try {
      Process child =
          new ProcessBuilder(
                  java.toString(),
                  "-Xlog:class+load=info:stdout",
                  "-cp",
                  System.getProperty("java.class.path"),
                  ColdHandshake.class.getName())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!child.waitFor(60, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor();
      }
      String text = Files.readString(log);
      assertThat(child.exitValue()).as(text).isZero();
      return text.lines().toList();
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
