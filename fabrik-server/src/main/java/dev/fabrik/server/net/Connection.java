package dev.fabrik.server.net;

import dev.fabrik.protocol.BufferRefusedException;
import dev.fabrik.protocol.LineReader;
import dev.fabrik.protocol.LineTooLongException;
import dev.fabrik.protocol.Reply;
import dev.fabrik.server.command.CommandHandler;
import dev.fabrik.server.command.CommandTable;
import dev.fabrik.server.command.Session;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.workers.WorkerRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Clock;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TLS client socket, on its own virtual thread: greeting, HELLO, then a command loop. (Plain
 * TCP connections run on an {@link EventLoop} as {@link ChannelConnection}s; TLS keeps the simple
 * blocking form, as an {@code SSLEngine} on a selector is a project of its own.)
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
 *
 * <p>Memory follows the rules of {@link ChannelConnection}: a small line cap until HELLO is
 * accepted, long lines and held-back replies charged to the listener's {@link MemoryBudget}, a
 * refused connection told {@code -ERR} and closed, a capped kernel send buffer.
 */
final class Connection implements Runnable, Session, ClientConnection {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  private static final Reply SHUTDOWN = Reply.error("ERR", "shutdown in progress");

  /** Past this many held-back bytes, replies are flushed even while input is pending. */
  private static final int MAX_PENDING = 64 * 1024;

  private final Socket socket;
  private final Listener listener;
  private final ServerConfig config;
  private final CommandTable commands;
  private final CommandObserver observer;
  private final Handshake handshake;
  private final BlockingCall blocking = new BlockingCall();

  private ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private OutputStream out;
  private LineReader reader;
  private boolean ended;
  private volatile boolean busy;

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
    this.observer = listener.commandObserver();
    this.handshake = new Handshake(config, listener, workers, clock, this::close);
  }

  @Override
  public boolean busy() {
    return busy;
  }

  @Override
  public String wid() {
    return handshake.wid();
  }

  @Override
  public void end() {
    ended = true;
  }

  /** Closes the socket from any thread; the connection's thread then ends quietly. */
  @Override
  public void close() {
    Listener.closeQuietly(socket);
  }

  @Override
  public void interruptIfBlocked() {
    blocking.interrupt();
  }

  @Override
  public void run() {
    try {
      socket.setTcpNoDelay(true);
      socket.setSendBufferSize(ChannelConnection.SEND_BUFFER);
      DeadlineInputStream in = new DeadlineInputStream(socket, socket.getInputStream());
      in.arm(System.nanoTime() + config.handshakeTimeout().toNanos());
      if (socket instanceof SSLSocket tls) {
        socket.setSoTimeout((int) Math.max(1, config.handshakeTimeout().toMillis()));
        tls.startHandshake();
      }
      out = socket.getOutputStream();
      reader =
          new LineReader(
              in, Math.min(Hello.MAX_LINE_BYTES, config.maxLineBytes()), listener.budget());
      out.write(handshake.greeting());
      String line;
      try {
        line = reader.readLine();
      } catch (LineTooLongException e) {
        line = null;
      }
      Handshake.Answer answer = handshake.answer(line, socket.getInetAddress());
      out.write(answer.reply());
      if (!answer.accepted()) {
        return;
      }
      in.disarm();
      reader.maxLineBytes(config.maxLineBytes());
      commandLoop(reader);
    } catch (IOException e) {
      // EOF, reset, a half-sent line, a handshake timeout or a socket closed by stop(): all end
      // the connection with nothing left to say to the peer.
      log.debug("connection ended: {}", e.toString());
    } catch (Throwable e) {
      listener.contain("TLS connection", e);
    } finally {
      if (reader != null) {
        reader.release();
      }
      Listener.closeQuietly(socket);
      handshake.undo();
      busy = false;
      listener.closed(this);
    }
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
      } catch (BufferRefusedException e) {
        pending.writeBytes(ChannelConnection.OUT_OF_BUFFERS);
        flush();
        return;
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
      return FailureReplies.unknownCommand(verb);
    }
    try {
      if (handler.mayBlock()) {
        flush();
        return blocking.call(() -> handler.handle(argument, this), listener);
      }
      return handler.handle(argument, this);
    } catch (InterruptedException e) {
      return SHUTDOWN;
    } catch (RuntimeException e) {
      return FailureReplies.of(verb, e);
    }
  }

  private void flushUnlessPipelined(LineReader reader) throws IOException {
    if (reader.available() == 0 || pending.size() >= MAX_PENDING) {
      flush();
    }
  }

  /** Writes what is held back; charged to the budget while a large batch waits for the socket. */
  private void flush() throws IOException {
    int size = pending.size();
    if (size == 0) {
      return;
    }
    boolean charge = size > Outbox.CHARGE_STEP;
    if (charge) {
      listener.budget().reserve(size);
    }
    try {
      pending.writeTo(out);
    } finally {
      if (charge) {
        listener.budget().release(size);
      }
    }
    if (size > MAX_PENDING) {
      pending = new ByteArrayOutputStream(); // a FETCH of a large job does not stay allocated
    } else {
      pending.reset();
    }
  }
}
