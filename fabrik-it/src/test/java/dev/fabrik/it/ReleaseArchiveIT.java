package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as an operator gets it: {@code fabrik-<version>.tar.gz} (built by
 * fabrik-cli's package phase) unpacked into a temporary folder, {@code bin/fabrik server} started
 * from there with the sample conf.d, {@code /health} answered, SIGTERM, exit 0. And the launcher's
 * refusal when it finds no Java 25.
 */
class ReleaseArchiveIT {
  @TempDir Path dir;

  @Test
  void theUnpackedArchiveStartsServesHealthAndStopsCleanly() throws Exception {
    Path home = unpack();
    assertThat(home.resolve("lib/fabrik.jar")).isRegularFile();
    assertThat(home.resolve("README.md")).isRegularFile();
    assertThat(Files.isExecutable(home.resolve("bin/fabrik"))).isTrue();
    assertThat(home.resolve("systemd/fabrik.service"))
        .content()
        .contains(
            "ExecStart=/opt/fabrik/bin/fabrik server",
            "DynamicUser=yes",
            "ProtectSystem=strict",
            "NoNewPrivileges=yes",
            "CapabilityBoundingSet=\n");

    int port = freePort();
    int webPort = freePort();
    List<String> command =
        List.of(
            home.resolve("bin/fabrik").toString(),
            "server",
            "--config-dir",
            home.resolve("conf").toString(),
            "--data-dir",
            dir.resolve("data").toString(),
            "--bind",
            "127.0.0.1:" + port,
            "--web-bind",
            "127.0.0.1:" + webPort);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("FAKTORY_") || name.startsWith("FABRIK_"));
    env.put("JAVA_HOME", System.getProperty("java.home")); // the JDK 25 running this test
    env.put("FABRIK_JAVA_OPTS", "-Xmx256m");
    Process server = builder.start();
    StringBuffer log = new StringBuffer();
    CountDownLatch listening = new CountDownLatch(1);
    Thread.ofPlatform().daemon().start(() -> pump(server, log, listening));
    try {
      if (!listening.await(60, TimeUnit.SECONDS)) {
        fail("bin/fabrik server did not log 'fabrik listening on' within 60 s:%n%s", log);
      }
      assertThat(log.toString())
          .contains("read configuration " + home.resolve("conf/conf.d/10-fabrik.toml"))
          .contains("fabrik listening on 127.0.0.1:" + port);

      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).as(health.body()).isEqualTo(200);

      server.destroy(); // SIGTERM, as systemd stops it
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).as(log.toString()).isTrue();
      // 0 only once the shutdown hook has stopped the server and closed the database; the log's
      // last lines may be lost to the JDK closing the pipe when the process ends, so not asserted.
      assertThat(server.exitValue()).as(log.toString()).isZero();
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void withoutJava25TheLauncherSaysWhatItFoundAndExits3() throws Exception {
    Path home = unpack();
    Path noJvms = Files.createDirectories(dir.resolve("no-jvms"));
    ProcessBuilder builder =
        new ProcessBuilder(home.resolve("bin/fabrik").toString(), "server")
            .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("FABRIK_") || name.equals("JAVA_HOME"));
    env.put("FABRIK_JVM_DIR", noJvms.toString());
    env.put("FABRIK_JAVA", OlderJdks.java17().toString());
    env.put("PATH", "/usr/bin:/bin");
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(output).isEqualTo(3);
    assertThat(output)
        .startsWith("fabrik needs Java 25 or newer and found none.")
        .contains("found FABRIK_JAVA: Java 17 (" + OlderJdks.java17() + ")")
        .contains("FABRIK_JAVA=/path/to/jdk-25/bin/java");
  }

  private Path unpack() throws IOException, InterruptedException {
    Path archive = archive();
    Path into = Files.createDirectories(dir.resolve("unpacked"));
    Process tar =
        new ProcessBuilder("tar", "xzf", archive.toString(), "-C", into.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as(output).isZero();
    try (var top = Files.list(into)) {
      List<Path> entries = top.toList();
      assertThat(entries).hasSize(1);
      assertThat(entries.get(0).getFileName().toString()).startsWith("fabrik-");
      return entries.get(0);
    }
  }

  private static Path archive() {
    String configured = System.getProperty("fabrik.archive");
    Path archive = configured != null ? Path.of(configured) : null;
    if (archive == null || !Files.isRegularFile(archive)) {
      fail(
          "the release archive %s is missing: build fabrik-cli first (its package phase makes it)",
          configured);
    }
    return archive;
  }

  private static void pump(Process p, StringBuffer log, CountDownLatch listening) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        log.append(line).append('\n');
        if (line.contains("fabrik listening on")) {
          listening.countDown();
        }
      }
    } catch (IOException e) {
      log.append("[log pump: ").append(e).append("]\n");
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
