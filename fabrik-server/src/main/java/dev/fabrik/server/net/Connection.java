package dev.fabrik.server.net;

import dev.fabrik.protocol.LineReader;
import dev.fabrik.protocol.LineTooLongException;
import dev.fabrik.protocol.PasswordHash;
import dev.fabrik.protocol.Reply;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.command.CommandHandler;
import dev.fabrik.server.command.CommandTable;
import dev.fabrik.server.command.Session;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.storage.StorageException;
import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerRegistry;
import dev.fabrik.server.workers.WorkerState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client socket, on its own virtual thread: greeting, HELLO, then a command loop.
 *
 * <pre>
 * S: +HI {"v":2}                      (or {"v":2,"i":5120,"s":"2a5c0e1f9d3b7a61"} with a password)
 * C: HELLO {"wid":"w1","hostname":"h","pid":42,"labels":["java"],"v":2}
 * S: +OK
 * C: PUSH {...}
 * S: +OK
 * </pre>
 *
 * Each reply goes out in one write. When the client has pipelined (more input already buffered)
 * replies are collected and flushed once no input is pending, so {@code ACK + FETCH} in one packet
 * gets both replies, in order, and a reply never waits behind a blocking FETCH.
 */
final class Connection implements Runnable, Session {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  private static final Reply INTERNAL_ERROR = Reply.error("ERR", "internal error");
  private static final Reply SHUTDOWN = Reply.error("ERR", "shutdown in progress");

  /** Past this many held-back bytes, replies are flushed even while input is pending. */
  private static final int MAX_PENDING = 64 * 1024;

  private final Socket socket;
  private final Listener listener;
  private final ServerConfig config;
  private final CommandTable commands;
  private final WorkerRegistry workers;
  private final Clock clock;
  private final CommandObserver observer;
  private final Runnable expire = this::close;

  /** Guards {@link #blocked} against stop()'s interrupt, so it can only hit a waiting command. */
  private final ReentrantLock interruptLock = new ReentrantLock();

  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private Thread thread;
  private OutputStream out;
  private String wid = "";
  private boolean attached;
  private boolean handshaken;
  private boolean ended;
  private volatile boolean busy;
  private boolean blocked;

  Connection(
      Socket socket,
      Listener listener,
      ServerConfig config,
      CommandTable commands,
      WorkerRegistry workers,
      Clock clock) {
    this.socket = socket;
    this.listener = listener;
    this.config = config;
    this.commands = commands;
    this.workers = workers;
    this.clock = clock;
    this.observer = listener.commandObserver();
  }

  void start(Thread t) {
    this.thread = t;
    t.start();
  }

  Thread thread() {
    return thread;
  }

  /** True while a command runs; stop() waits for these. */
  boolean busy() {
    return busy;
  }

  @Override
  public String wid() {
    return wid;
  }

  @Override
  public void end() {
    ended = true;
  }

  /** Closes the socket from any thread; the connection's thread then ends quietly. */
  void close() {
    Listener.closeQuietly(socket);
  }

  /** Wakes a FETCH waiting for work so shutdown need not wait for its timeout. */
  void interruptIfBlocked() {
    interruptLock.lock();
    try {
      if (blocked) {
        thread.interrupt();
      }
    } finally {
      interruptLock.unlock();
    }
  }

  @Override
  public void run() {
    try {
      socket.setTcpNoDelay(true);
      DeadlineInputStream in = new DeadlineInputStream(socket, socket.getInputStream());
      in.arm(System.nanoTime() + config.handshakeTimeout().toNanos());
      if (socket instanceof SSLSocket tls) {
        socket.setSoTimeout((int) Math.max(1, config.handshakeTimeout().toMillis()));
        tls.startHandshake();
      }
      out = socket.getOutputStream();
      LineReader reader = new LineReader(in, config.maxLineBytes());
      if (!handshake(reader)) {
        return;
      }
      in.disarm();
      commandLoop(reader);
    } catch (IOException e) {
      // EOF, reset, a half-sent line, a handshake timeout or a socket closed by stop(): all end
      // the connection with nothing left to say to the peer.
      log.debug("connection ended: {}", e.toString());
    } catch (RuntimeException e) {
      log.error("connection failed", e);
    } finally {
      Listener.closeQuietly(socket);
      if (attached) {
        workers.detach(wid, expire);
      }
      if (handshaken) {
        listener.handshakeUndone();
      }
      busy = false;
      listener.closed(this);
    }
  }

  /** Returns false when the connection must close (every failure here is silent but a password). */
  private boolean handshake(LineReader reader) throws IOException {
    Greeting greeting = Greeting.create(config.hasPassword());
    out.write(greeting.encode());
    String line;
    try {
      line = reader.readLine();
    } catch (LineTooLongException e) {
      return false;
    }
    if (line == null || !line.startsWith("HELLO {")) {
      return false;
    }
    Hello hello;
    try {
      hello = Hello.parse(line.substring("HELLO ".length()));
    } catch (Hello.Undecodable e) {
      log.debug("undecodable HELLO: {}", e.getMessage());
      return false;
    }
    if (config.hasPassword()) {
      String expected =
          PasswordHash.compute(
              config.password(), greeting.salt(), hello.hashIterations(greeting.iterations()));
      if (!PasswordHash.matches(expected, hello.pwdhash())) {
        out.write(Reply.error("ERR", "Invalid password").encode());
        return false;
      }
    }
    handshaken = true;
    if (listener.handshakeDone() > config.maxConnections()) {
      // Unsolicited, right after +OK, as Faktory 1.9+ does; the client sees it on its next read.
      out.write(Reply.OK.encode());
      out.write(Reply.error("ERR", "too many connections: " + config.maxConnections()).encode());
      return false;
    }
    if (!hello.wid().isEmpty()) {
      // Registered before +OK: a worker may BEAT the moment it reads the reply.
      Instant now = clock.instant();
      wid = hello.wid();
      workers.attach(
          wid,
          new WorkerInfo(
              wid,
              hello.hostname(),
              hello.pid(),
              hello.labels(),
              now,
              now,
              0,
              WorkerState.RUNNING,
              1),
          expire);
      attached = true;
    }
    out.write(Reply.OK.encode());
    return true;
  }

  private void commandLoop(LineReader reader) throws IOException {
    while (!ended) {
      String line;
      try {
        line = reader.readLine();
      } catch (LineTooLongException e) {
        pending.writeBytes(
            Reply.error("ERR", "line too long (max " + e.limit() + " bytes)").encode());
        flushUnlessPipelined(reader);
        continue;
      }
      if (line == null) {
        return;
      }
      long started = System.nanoTime();
      busy = true;
      try {
        if (listener.stopping()) {
          pending.writeBytes(SHUTDOWN.encode());
          flush();
          return;
        }
        listener.countCommand();
        int space = line.indexOf(' ');
        String verb = space < 0 ? line : line.substring(0, space);
        CommandHandler handler = commands.handler(verb).orElse(null);
        Reply reply = dispatch(handler, verb, space < 0 ? null : line.substring(space + 1));
        if (reply == SHUTDOWN) {
          pending.writeBytes(SHUTDOWN.encode());
          flush();
          return;
        }
        if (reply != null) {
          pending.writeBytes(reply.encode());
        }
        observer.completed(
            handler == null ? CommandObserver.UNKNOWN_VERB : verb, System.nanoTime() - started);
        if (ended) {
          flush();
          return;
        }
        flushUnlessPipelined(reader);
      } finally {
        busy = false;
        listener.idleNow();
      }
    }
  }

  /** Runs the command; {@code handler} is null for an unknown verb. */
  private Reply dispatch(CommandHandler handler, String verb, String argument) throws IOException {
    if (handler == null) {
      return Reply.error("ERR", "unknown command " + verb);
    }
    try {
      if (handler.mayBlock()) {
        flush();
        return handleBlocking(handler, argument);
      }
      return handler.handle(argument, this);
    } catch (CommandException e) {
      return Reply.error(e.code(), e.getMessage() == null ? "" : e.getMessage());
    } catch (InterruptedException e) {
      return SHUTDOWN;
    } catch (StorageException e) {
      // Disk full, I/O error: nothing was stored, and the client should hear why, not "internal".
      log.error("command {} failed in storage", verb, e);
      return Reply.error("ERR", "storage failure: " + e.getMessage());
    } catch (RuntimeException e) {
      log.error("command {} failed", verb, e);
      return INTERNAL_ERROR;
    }
  }

  private Reply handleBlocking(CommandHandler handler, String argument)
      throws InterruptedException {
    interruptLock.lock();
    try {
      blocked = true;
      if (listener.stopping()) {
        return SHUTDOWN;
      }
    } finally {
      interruptLock.unlock();
    }
    try {
      return handler.handle(argument, this);
    } finally {
      interruptLock.lock();
      try {
        blocked = false;
        // An interrupt that raced the handler's return must not reach the socket write: on a
        // virtual thread it would close the socket.
        Thread.interrupted();
      } finally {
        interruptLock.unlock();
      }
    }
  }

  private void flushUnlessPipelined(LineReader reader) throws IOException {
    if (reader.available() == 0 || pending.size() >= MAX_PENDING) {
      flush();
    }
  }

  private void flush() throws IOException {
    if (pending.size() > 0) {
      pending.writeTo(out);
      pending.reset();
    }
  }
}
