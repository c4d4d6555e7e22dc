package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fabrik server --storage postgres} as an operator starts it: the database password reaches
 * the database but never the log, whether the start works or the database cannot be reached.
 */
class PgStartupIT {
  private static final String SECRET = "hunter2-pgops-secret";

  @TempDir Path unused;

  @Test
  void theStartupLineShowsTheDatabaseWithoutItsPassword() {
    try (PgSchema schema = PgSchema.fresh("it_startup")) {
      // The test cluster trusts loopback, so any password is accepted and must still be hidden.
      List<String> flags = new ArrayList<>(schema.flags());
      int url = flags.indexOf("--database-url") + 1;
      flags.set(url, flags.get(url).replaceFirst("://([^:@/]+)@", "://$1:" + SECRET + "@"));
      assertThat(flags.get(url)).contains(SECRET);
      try (ServerProcess node = ServerProcess.start(unused, flags)) {
        assertThat(node.log())
            .contains("storage postgres at jdbc:postgresql://")
            .contains("password ***), schema " + schema.name())
            .doesNotContain(SECRET);
      }
    }
  }

  @Test
  void anUnreachableDatabaseStopsTheStartWithARedactedMessage() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            ServerProcess.jar().toString(),
            "server",
            "--bind",
            "127.0.0.1:0",
            "--no-web",
            "--storage",
            "postgres",
            "--database-url",
            "postgres://app:" + SECRET + "@127.0.0.1:" + closedPort + "/nowhere");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(exited).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(1);
    assertThat(out)
        .contains("fabrik could not start")
        .contains("127.0.0.1:" + closedPort + "/nowhere (user app, password ***)")
        .doesNotContain(SECRET);
  }
}
