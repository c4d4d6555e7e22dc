package dev.fabrik.server.net;

import dev.fabrik.server.auth.LoginThrottle;
import dev.fabrik.server.command.CommandTable;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.lifecycle.FatalErrorHandler;
import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.workers.WorkerRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command port. Plain TCP connections are spread over a few {@link EventLoop}s (one per two
 * cores): a connection holds no thread between commands, and a PUSH none while its insert commits.
 * With TLS (1.2+) each connection runs on its own virtual thread instead ({@link Connection}).
 *
 * <p>Stopping closes the server socket, wakes commands blocked in FETCH, lets other in-flight
 * commands finish (a connection that sends another command meanwhile gets {@code -ERR shutdown in
 * progress} and is closed), then closes the idle connections and waits for every one to be gone.
 *
 * <p>Staying up: a failing accept (out of file descriptors) is retried with a backoff and logged
 * once per burst; what connections buffer is bounded by one {@link MemoryBudget}; an error the JVM
 * does not recover from, on a loop, the acceptor or a command's thread, goes to the {@link
 * FatalErrorHandler}. {@link #problem()} says when the port cannot serve ({@code /health}).
 */
public final class Listener implements Service {
  private static final Logger log = LoggerFactory.getLogger(Listener.class);

  private final ServerConfig config;
  private final CommandTable commands;
  private final WorkerRegistry workers;
  private final Clock clock;
  private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();
  private final ConnectionStats stats;
  private final CommandObserver commandObserver;
  private final AtomicLong connectionIds = new AtomicLong();
  private final Object activity = new Object();
  private final MemoryBudget budget;
  private final FatalErrorHandler fatal;
  private final FailureBurst acceptFailures = new FailureBurst("accept", log, System::nanoTime);
  private volatile boolean stopping;
  private volatile LoginThrottle logins = LoginThrottle.standard();
  private ServerSocket server;
  private ServerSocketChannel plainServer;
  private EventLoop[] loops = new EventLoop[0];
  private Thread acceptor;
  private boolean started;
  private boolean stopped;

  public Listener(
      ServerConfig config,
      CommandTable commands,
      WorkerRegistry workers,
      Clock clock,
      ConnectionStats stats) {
    this(config, commands, workers, clock, stats, CommandObserver.NONE, FatalErrorHandler.halt());
  }

  /**
   * @param commandObserver told the verb and duration of every command (the metrics)
   * @param fatal told of an error the JVM does not recover from on one of the listener's threads
   */
  public Listener(
      ServerConfig config,
      CommandTable commands,
      WorkerRegistry workers,
      Clock clock,
      ConnectionStats stats,
      CommandObserver commandObserver,
      FatalErrorHandler fatal) {
    this.config = config;
    this.budget = MemoryBudget.of(config.maxBufferedBytes());
    this.fatal = fatal;
    this.stats = stats;
    this.commandObserver = commandObserver;
    this.commands = commands;
    this.workers = workers;
    this.clock = clock;
  }

  @Override
  public synchronized void start() {
    if (started) {
      return;
    }
    try {
      if (config.tls() == null) {
        plainServer = ServerSocketChannel.open();
        server = plainServer.socket();
      } else {
        server = tlsServerSocket();
      }
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(config.bindHost(), config.port()), 1024);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on " + config.bindHost() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    started = true;
    if (plainServer != null) {
      loops = new EventLoop[Math.max(1, Runtime.getRuntime().availableProcessors() / 2)];
      for (int i = 0; i < loops.length; i++) {
        loops[i] = new EventLoop("fabrik-loop-" + i, fatal);
      }
      acceptor = Thread.ofVirtual().name("fabrik-accept").start(this::acceptChannels);
    } else {
      acceptor = Thread.ofVirtual().name("fabrik-accept").start(this::acceptLoop);
    }
    log.info(
        "listening on {}:{}{}; connections buffer at most {} MiB",
        config.bindHost(),
        port(),
        config.tls() == null ? "" : " (TLS)",
        budget.limit() >> 20);
  }

  private ServerSocket tlsServerSocket() throws IOException {
    SSLServerSocket socket =
        (SSLServerSocket)
            PemKeyMaterial.sslContext(config.tls()).getServerSocketFactory().createServerSocket();
    socket.setEnabledProtocols(
        java.util.Arrays.stream(socket.getSupportedProtocols())
            .filter(p -> p.equals("TLSv1.2") || p.equals("TLSv1.3"))
            .toArray(String[]::new));
    return socket;
  }

  /** The bound port (the ephemeral one when configured with 0); -1 before start. */
  public int port() {
    ServerSocket s = server;
    return s == null ? -1 : s.getLocalPort();
  }

  /** Connections that completed the handshake and are still open (INFO {@code connections}). */
  public int connections() {
    return stats.connections();
  }

  /** Every accepted socket still open, including those still in the handshake. */
  public int openSockets() {
    return open.size();
  }

  /** Commands dispatched since start (INFO {@code command_count}). */
  public long commandCount() {
    return stats.commandCount();
  }

  /** TLS: a virtual thread per connection. */
  private void acceptLoop() {
    acceptUntilClosed(
        () -> {
          Socket socket = server.accept();
          if (stopping) {
            closeQuietly(socket);
            return;
          }
          Connection c = new Connection(socket, this, config, commands, workers, clock);
          open.add(c);
          Thread.ofVirtual().name("fabrik-conn-" + connectionIds.incrementAndGet()).start(c);
        });
  }

  /** Plain TCP: each connection joins an event loop, in turn. */
  private void acceptChannels() {
    int[] next = {0};
    acceptUntilClosed(
        () -> {
          SocketChannel channel = plainServer.accept();
          if (stopping) {
            closeQuietly(channel);
            return;
          }
          EventLoop loop = loops[next[0]];
          next[0] = (next[0] + 1) % loops.length;
          ChannelConnection c;
          try {
            c = new ChannelConnection(channel, loop, this, config, commands, workers, clock);
          } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
          }
          open.add(c);
          loop.execute(c::open);
        });
  }

  private interface AcceptStep {
    void acceptOne() throws IOException;
  }

  /**
   * Accepts until the server socket is closed. A failure (out of file descriptors, a reset before
   * accept) waits a little and tries again, so the port serves again once the shortage passes; an
   * error the JVM does not recover from goes to the fatal handler.
   */
  private void acceptUntilClosed(AcceptStep step) {
    while (!server.isClosed()) {
      try {
        step.acceptOne();
        acceptFailures.succeeded();
      } catch (IOException | RuntimeException e) {
        if (server.isClosed()) {
          return;
        }
        sleep(acceptFailures.failed(e));
      } catch (Throwable e) {
        contain("accept", e);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void stop(Duration timeout) {
    synchronized (this) {
      if (!started || stopped) {
        return;
      }
      stopped = true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    stopping = true;
    closeQuietly(server);
    join(acceptor, deadline);
    for (ClientConnection c : open) {
      c.interruptIfBlocked();
    }
    awaitIdle(deadline);
    for (ClientConnection c : open) {
      c.close();
    }
    // Closed sockets end their connections at once; the grace only guards a slow machine.
    long closeDeadline = Math.max(deadline, System.nanoTime() + 1_000_000_000L);
    awaitAllClosed(closeDeadline);
    for (EventLoop loop : loops) {
      loop.close(closeDeadline);
    }
    if (!open.isEmpty()) {
      log.warn("{} connections did not end within {}", open.size(), timeout);
    }
  }

  /** Slows wrong passwords per source (the server shares one with the web port); before start. */
  public void loginThrottle(LoginThrottle logins) {
    this.logins = logins;
  }

  /**
   * Why the command port cannot serve right now ({@code accept failing: java.io.IOException: Too
   * many open files}, {@code event loop fabrik-loop-0 stopped: ...}), or null when it can.
   */
  public String problem() {
    synchronized (this) {
      if (!started) {
        return "not listening";
      }
      if (stopped) {
        return "stopped";
      }
    }
    if (!acceptor.isAlive()) {
      return "no longer accepting connections";
    }
    String failing = acceptFailures.problem();
    if (failing != null) {
      return failing;
    }
    for (EventLoop loop : loops) {
      String p = loop.problem();
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- called by connections

  LoginThrottle loginThrottle() {
    return logins;
  }

  MemoryBudget budget() {
    return budget;
  }

  /**
   * Logs what a connection's thread threw, or for an error the JVM does not recover from, calls the
   * fatal handler (which ends the process).
   */
  void contain(String where, Throwable e) {
    if (FatalErrorHandler.isFatal(e)) {
      fatal.fatal(where, e);
    } else {
      log.error("{} failed", where, e);
    }
  }

  boolean stopping() {
    return stopping;
  }

  void countCommand() {
    stats.commandDispatched();
  }

  CommandObserver commandObserver() {
    return commandObserver;
  }

  /** Counts a finished handshake; returns the new number of handshaken connections. */
  int handshakeDone() {
    return stats.connected();
  }

  void handshakeUndone() {
    stats.disconnected();
  }

  void closed(ClientConnection c) {
    open.remove(c);
    idleNow();
  }

  /** A connection finished a command: stop() may be waiting for all of them to go idle. */
  void idleNow() {
    if (stopping) {
      synchronized (activity) {
        activity.notifyAll();
      }
    }
  }

  private void awaitIdle(long deadline) {
    awaitUntil(() -> open.stream().noneMatch(ClientConnection::busy), deadline);
  }

  private void awaitAllClosed(long deadline) {
    awaitUntil(open::isEmpty, deadline);
  }

  /** Waits for {@code done}, re-checked whenever a connection finishes a command or closes. */
  private void awaitUntil(BooleanSupplier done, long deadline) {
    synchronized (activity) {
      while (!done.getAsBoolean()) {
        long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
          return;
        }
        try {
          activity.wait(leftMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static void join(Thread t, long deadline) {
    if (t == null) {
      return;
    }
    try {
      long leftMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      t.join(leftMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // closing is best effort: the peer may already be gone
    }
  }
}
