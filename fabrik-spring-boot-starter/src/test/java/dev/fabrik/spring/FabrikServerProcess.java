package dev.fabrik.spring;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Fabrik server as a child process: {@code <java 25> -jar fabrik.jar server --bind
 * 127.0.0.1:<free port> --data-dir <temp> --no-web}. A child process because these tests also run
 * on JDK 17 and the server needs 25; the pom passes the jar ({@code fabrik.server.jar}, built by
 * fabrik-cli earlier in the reactor) and the JDK running Maven ({@code fabrik.server.java}).
 */
final class FabrikServerProcess implements AutoCloseable {
  private static final long BOOT_TIMEOUT_SECONDS = 30;

  private final Process process;
  private final int port;
  private final Path dataDir;
  private final StringBuffer log = new StringBuffer();
  private final CountDownLatch listening = new CountDownLatch(1);
  private volatile boolean ready;

  private FabrikServerProcess(Process process, int port, Path dataDir) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    Thread pump = new Thread(this::pump, "fabrik-server-log");
    pump.setDaemon(true);
    pump.start();
    // Last resort if the test never reaches close(): never leave a server behind the test JVM.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
  }

  static FabrikServerProcess start() {
    Path jar = Path.of(required("fabrik.server.jar"));
    Path java = Path.of(required("fabrik.server.java"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar.toAbsolutePath()
              + " is missing: build fabrik-cli first (mvn -pl fabrik-cli -am package)");
    }
    long began = System.nanoTime();
    try {
      Path dataDir = Files.createTempDirectory("fabrik-spring-test");
      int port = freePort();
      List<String> command =
          List.of(
              java.toString(),
              "-Xmx256m",
              "-jar",
              jar.toString(),
              "server",
              "--bind",
              "127.0.0.1:" + port,
              "--data-dir",
              dataDir.toString(),
              "--no-web");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().keySet().removeIf(name -> name.startsWith("FAKTORY_"));
      FabrikServerProcess server = new FabrikServerProcess(builder.start(), port, dataDir);
      server.awaitListening();
      System.out.printf(
          "fabrik server on port %d up in %d ms%n", port, (System.nanoTime() - began) / 1_000_000);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Fabrik server", e);
    }
  }

  String url() {
    return "tcp://127.0.0.1:" + port;
  }

  /** SIGTERM, then SIGKILL if it lingers; removes the data folder. Idempotent. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    deleteTree(dataDir);
  }

  private void awaitListening() {
    boolean up;
    try {
      up = listening.await(BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS) && ready;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      up = false;
    }
    if (!up) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "the Fabrik server did not start (no 'fabrik listening on' within "
              + BOOT_TIMEOUT_SECONDS
              + " s; a JDK older than 25 in fabrik.server.java?):\n"
              + log);
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
          ready = true;
          listening.countDown();
        }
      }
    } catch (IOException e) {
      log.append("[log pump: ").append(e).append("]\n");
    }
    listening.countDown(); // the process ended: stop waiting, awaitListening reports it
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "system property " + property + " is not set (the module's pom sets it for surefire)");
    }
    return value;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp folder is harmless
    }
  }
}
