package dev.fabrik.embedded;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.ServerInfo;
import dev.fabrik.client.testing.DrainResult;
import dev.fabrik.client.testing.InlineRunner;
import dev.fabrik.client.worker.HandlerRegistry;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real Fabrik server running inside this JVM, for single-process applications and tests: the same
 * server {@code fabrik server} runs, on loopback, in memory or on SQLite.
 *
 * <pre>{@code
 * try (EmbeddedFabrik fabrik = EmbeddedFabrik.start(EmbeddedOptions.inMemory())) {
 *   try (Client client = Client.connect(fabrik.clientConfig())) {
 *     client.push(Jobs.of("SendEmail", "ada@example.com"));
 *   }
 *   fabrik.drain(HandlerRegistry.create().register("SendEmail", (ctx, args) -> send(args)), "default");
 * }
 * }</pre>
 *
 * <p>This class is Java 17 bytecode; the server is Java 25. On an older JVM {@link #start} throws
 * {@link UnsupportedJavaException} saying so, before any server class is loaded.
 */
public final class EmbeddedFabrik implements AutoCloseable {
  /** The Java feature release the server needs at run time. */
  public static final int REQUIRED_JAVA = 25;

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(5);

  private final EmbeddedOptions options;
  private final RunningServer server;
  private boolean closed;

  private EmbeddedFabrik(EmbeddedOptions options, RunningServer server) {
    this.options = options;
    this.server = server;
  }

  /** An in-memory server on free ports. */
  public static EmbeddedFabrik start() {
    return start(EmbeddedOptions.inMemory());
  }

  /**
   * Starts a server and returns once both listeners are bound.
   *
   * @throws UnsupportedJavaException on a JVM older than Java {@value #REQUIRED_JAVA}
   * @throws RuntimeException the server could not start (a port taken, a data folder not writable)
   */
  public static EmbeddedFabrik start(EmbeddedOptions options) {
    Objects.requireNonNull(options, "options");
    requireJava(Runtime.version().feature(), System.getProperty("java.home"));
    return new EmbeddedFabrik(options, boot(options));
  }

  /** Refuses a JVM older than {@value #REQUIRED_JAVA} with the message users see. */
  static void requireJava(int feature, String javaHome) {
    if (feature < REQUIRED_JAVA) {
      throw new UnsupportedJavaException(feature, javaHome);
    }
  }

  private static RunningServer boot(EmbeddedOptions options) {
    MethodHandle boot;
    try {
      Class<?> serverBoot = Class.forName("dev.fabrik.embedded.ServerBoot");
      boot =
          MethodHandles.lookup()
              .findStatic(
                  serverBoot,
                  "boot",
                  MethodType.methodType(RunningServer.class, EmbeddedOptions.class));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("fabrik-embedded's jar is incomplete: " + e, e);
    }
    try {
      return (RunningServer) boot.invoke(options);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("the embedded server could not start: " + e, e);
    }
  }

  /** The options it was started with. */
  public EmbeddedOptions options() {
    return options;
  }

  /** The command port. */
  public int port() {
    return server.port();
  }

  /** {@code tcp://127.0.0.1:<port>}, the form {@code FAKTORY_URL} takes (without the password). */
  public String url() {
    return "tcp://127.0.0.1:" + port();
  }

  /**
   * {@code http://127.0.0.1:<web port>}: the web UI, the JSON API and {@code /health}.
   *
   * @throws IllegalStateException the web listener is off ({@link
   *     EmbeddedOptions.Builder#withoutWeb})
   */
  public String webUrl() {
    if (server.webPort() < 0) {
      throw new IllegalStateException("the web listener is off (EmbeddedOptions withoutWeb())");
    }
    return "http://127.0.0.1:" + server.webPort();
  }

  /**
   * The {@code FAKTORY_URL} value for this server, password included: {@code
   * tcp://127.0.0.1:<port>} or {@code tcp://:<password>@127.0.0.1:<port>} (the password
   * percent-encoded), for clients and worker processes in other languages configured from the
   * environment.
   */
  public String faktoryUrl() {
    String password = options.password();
    if (password == null) {
      return url();
    }
    return "tcp://:" + percentEncode(password) + "@127.0.0.1:" + port();
  }

  /** RFC 3986 userinfo: unreserved characters as they are, every other byte as %XX. */
  private static String percentEncode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** A client configuration for this server, password included. */
  public ClientConfig clientConfig() {
    return ClientConfig.builder()
        .host("127.0.0.1")
        .port(port())
        .password(options.password())
        .build();
  }

  /** A new connection to this server; the caller closes it. */
  public Client connect() {
    return Client.connect(clientConfig());
  }

  /**
   * Works every job queued in {@code queues} on the calling thread through {@code handlers}, until
   * those queues are empty (jobs the handlers push into them are worked too); each job is ACKed, or
   * FAILed when its handler throws. Scheduled jobs and retries are not waited for.
   */
  public DrainResult drain(HandlerRegistry handlers, String... queues) {
    return InlineRunner.of(handlers).drain(clientConfig(), queues);
  }

  /**
   * Waits until {@code queues} (all queues when none are named) are empty and no job is being
   * worked, e.g. while a {@code WorkerManager} processes what a test pushed.
   *
   * @throws IllegalStateException not idle within {@code timeout}; the message has the sizes seen
   */
  public void awaitIdle(Duration timeout, String... queues) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Client client = connect()) {
      while (true) {
        ServerInfo info = client.info();
        List<String> busy = busy(info, queues);
        if (busy.isEmpty()) {
          return;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("not idle after " + timeout + ": " + busy);
        }
        // A short poll of INFO: the server offers no "idle" notification to wait on.
        sleep(POLL);
      }
    }
  }

  private static List<String> busy(ServerInfo info, String[] queues) {
    List<String> busy = new ArrayList<>();
    if (queues.length == 0) {
      for (Map.Entry<String, Long> q : info.queues().entrySet()) {
        if (q.getValue() > 0) {
          busy.add(q.getKey() + "=" + q.getValue());
        }
      }
    } else {
      for (String q : queues) {
        if (info.queueSize(q) > 0) {
          busy.add(q + "=" + info.queueSize(q));
        }
      }
    }
    if (info.working() > 0) {
      busy.add("working=" + info.working());
    }
    return busy;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the queues", e);
    }
  }

  /** Stops the server (in-flight commands finish, storage closes); later calls do nothing. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      server.stop(STOP_TIMEOUT);
    }
  }
}
