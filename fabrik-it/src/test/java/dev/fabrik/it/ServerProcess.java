package dev.fabrik.it;

import static org.assertj.core.api.Assertions.fail;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.ProtocolConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The server as its own OS process, started from the shaded CLI jar ({@code -Dfabrik.jar}), so a
 * test can SIGKILL it. Output (stdout and stderr) is kept for failure messages.
 */
final class ServerProcess implements AutoCloseable {
  private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final int port;
  private final int webPort;
  private final StringBuffer log = new StringBuffer();
  private final CountDownLatch listening = new CountDownLatch(1);

  private ServerProcess(Process process, int port, int webPort) {
    this.process = process;
    this.port = port;
    this.webPort = webPort;
    Thread.ofPlatform().daemon().start(this::pump);
  }

  /** {@code fabrik server --bind 127.0.0.1:<free port> --data-dir <dir> --no-web <extra...>}. */
  static ServerProcess start(Path dataDir, List<String> extraArgs) {
    return start(dataDir, List.of("-Xmx512m"), extraArgs);
  }

  /** As {@link #start(Path, List)}, with these JVM options (e.g. a small {@code -Xmx}). */
  static ServerProcess start(Path dataDir, List<String> javaOptions, List<String> extraArgs) {
    return start(List.of(), dataDir, javaOptions, extraArgs, -1);
  }

  /**
   * A server with its web port on {@code webPort} (0: a free one) and SIGHUP at its default
   * disposition: a JVM started from Maven may inherit SIGHUP ignored, and an ignored signal stays
   * ignored in the child unless {@code env --default-signal=HUP} resets it. For reload tests.
   */
  static ServerProcess startWithWeb(Path dataDir, int webPort, List<String> extraArgs) {
    return start(
        List.of("env", "--default-signal=HUP"),
        dataDir,
        List.of("-Xmx512m"),
        extraArgs,
        webPort == 0 ? freePort() : webPort);
  }

  private static ServerProcess start(
      List<String> launcher,
      Path dataDir,
      List<String> javaOptions,
      List<String> extraArgs,
      int webPort) {
    int port = freePort();
    List<String> command = new ArrayList<>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.addAll(List.of("-jar", jar().toString()));
    command.addAll(
        List.of("server", "--bind", "127.0.0.1:" + port, "--data-dir", dataDir.toString()));
    if (webPort < 0) {
      command.add("--no-web");
    } else {
      command.addAll(List.of("--web-bind", "127.0.0.1:" + webPort));
    }
    command.addAll(extraArgs);
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      // Only the flags configure this server, not the developer's environment.
      builder.environment().keySet().removeIf(name -> name.startsWith("FAKTORY_"));
      Process process = builder.start();
      ServerProcess server = new ServerProcess(process, port, webPort);
      server.awaitListening();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** The web port, or -1 when the web UI is off. */
  int webPort() {
    return webPort;
  }

  /** SIGHUP: the server reloads conf.d's cron entries. */
  void hangup() {
    try {
      Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        fail("kill -HUP %d failed", process.pid());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The exit status of a process that has ended (137 after SIGKILL or a crash-point halt). */
  int exitCode() {
    return process.exitValue();
  }

  ProtocolConnection connect() {
    return ProtocolConnection.open(
        ConnectionOptions.builder()
            .host("127.0.0.1")
            .port(port)
            .hostname("fabrik-it")
            .readTimeout(Duration.ofSeconds(10))
            .build());
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. Returns once the process is gone. */
  void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        fail("server pid %d survived SIGKILL", process.pid());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String log() {
    return log.toString();
  }

  /** Graceful stop (SIGTERM), then SIGKILL if it lingers. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  private void awaitListening() {
    try {
      boolean up = listening.await(BOOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (!up) {
        process.destroyForcibly();
        fail(
            "server did not log 'fabrik listening on' within %s (alive=%s)%n%s",
            BOOT_TIMEOUT, process.isAlive(), log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void pump() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
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

  static Path jar() {
    String configured = System.getProperty("fabrik.jar");
    Path jar =
        configured != null ? Path.of(configured) : Path.of("../fabrik-cli/target/fabrik.jar");
    if (!Files.isRegularFile(jar)) {
      fail(
          "%s is missing: build fabrik-cli first (mvn verify packages it before the ITs run)",
          jar.toAbsolutePath());
    }
    return jar;
  }

  /** A port free right now; the tiny race with other processes is acceptable in a test. */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
