package dev.fabrik.server.net;

import dev.fabrik.protocol.Reply;
import dev.fabrik.server.command.CommandHandler;
import dev.fabrik.server.command.CommandTable;
import dev.fabrik.server.command.NonBlockingHandler;
import dev.fabrik.server.command.Session;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.workers.WorkerRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One plain-TCP client on an {@link EventLoop}: the same conversation as {@link Connection}, with
 * no thread of its own between commands.
 *
 * <p>The loop reads and frames lines and starts one command at a time. A PUSH ({@link
 * NonBlockingHandler}) is decoded and validated on the loop and handed to storage with a
 * completion: the writer thread that commits it writes {@code +OK} to the socket itself,
 * non-blocking. ACK, and a FETCH that finds a job, are answered on the loop, or where storage
 * completes them: a PostgreSQL FETCH is answered by the reserver thread that claimed its job, which
 * writes the reply itself. A FETCH that must wait and every other command run on a virtual thread
 * of their own, as on a thread per connection. Either way the next line is not started until the
 * reply is queued, so replies keep their order:
 *
 * <pre>
 * loop:   read "PUSH {...}\r\n" → decode, validate → store.enqueueAsync ─┐
 * writer: commit ... → complete → outbox "+OK\r\n" → write(channel)   ←──┘
 * loop:   read "FETCH q\r\n" → nothing queued → virtual thread: manager.fetch (waits up to 2 s)
 *         → outbox → write
 * </pre>
 *
 * A pipelining client ({@code ACK} and {@code FETCH} in one packet) gets its replies in one write
 * once no complete line is left, as on the blocking path. A client that stops reading cannot hold
 * any thread: what the socket does not take waits in the outbox for {@code OP_WRITE}, and past
 * {@link #MAX_PENDING} bytes of it the connection starts no further command and reads no further.
 *
 * <p>Memory: until HELLO is accepted a line may be at most {@link Hello#MAX_LINE_BYTES}, and
 * nothing is read while it is checked. Unfinished lines and waiting replies are charged to the
 * listener's {@link MemoryBudget}; a connection the budget refuses is answered {@link
 * #OUT_OF_BUFFERS} (after the reply of a command in flight) and closed. The kernel's send buffer is
 * capped too: a client that never reads would otherwise park megabytes of replies there.
 */
final class ChannelConnection implements Session, ClientConnection {
  private static final Logger log = LoggerFactory.getLogger(ChannelConnection.class);
  private static final byte[] SHUTDOWN = Reply.error("ERR", "shutdown in progress").encode();

  static final byte[] OUT_OF_BUFFERS =
      Reply.error(
              "ERR",
              "server buffers are full (max_buffered_bytes); closing this connection, retry later")
          .encode();

  /**
   * SO_SNDBUF: Linux lets an unread socket take up to tcp_wmem's 4 MB of replies otherwise; 128 KB
   * (256 KB as the kernel counts it) still keeps a large FETCH reply moving in few writes.
   */
  static final int SEND_BUFFER = 128 * 1024;

  /** Past this many unsent reply bytes the connection stops taking commands until they drain. */
  static final int MAX_PENDING = 64 * 1024;

  private static final ThreadFactory HELLO_THREADS =
      Thread.ofVirtual().name("fabrik-hello").factory();
  private static final ThreadFactory COMMAND_THREADS =
      Thread.ofVirtual().name("fabrik-cmd").factory();

  private final SocketChannel channel;
  private final EventLoop loop;
  private final Listener listener;
  private final CommandTable commands;
  private final CommandObserver observer;
  private final Handshake handshake;
  private final LineFramer framer;
  private final long handshakeDeadline;
  private final Outbox outbox;
  private final int maxLineBytes;
  private final BlockingCall blocking = new BlockingCall();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The last reply before closing (the budget refused the connection); sent once. */
  private final AtomicReference<byte[]> lastWords = new AtomicReference<>();

  private SelectionKey key;

  /** Loop thread only. */
  private boolean helloReceived;

  /** Loop thread only: HELLO was accepted; commands follow, and lines may be long. */
  private boolean handshaken;

  /** Loop thread only: inside {@link #drive}, which carries on after a command answered at once. */
  private boolean driving;

  /** The client shut its side down (EOF); set by the loop. */
  private volatile boolean inputEnded;

  /** A command has started and its reply is not queued yet. */
  private volatile boolean inFlight;

  /** The loop left complete lines unread because a command was in flight. */
  private volatile boolean linesWaiting;

  /** Close once the outbox is empty: END, a refused HELLO, shutdown. */
  private volatile boolean ending;

  ChannelConnection(
      SocketChannel channel,
      EventLoop loop,
      Listener listener,
      ServerConfig config,
      CommandTable commands,
      WorkerRegistry workers,
      Clock clock) {
    this.channel = channel;
    this.loop = loop;
    this.listener = listener;
    this.commands = commands;
    this.observer = listener.commandObserver();
    this.handshake = new Handshake(config, listener, workers, clock, this::close);
    this.maxLineBytes = config.maxLineBytes();
    this.framer =
        new LineFramer(
            Math.min(Hello.MAX_LINE_BYTES, maxLineBytes), loop.readBuffer(), listener.budget());
    this.handshakeDeadline = System.nanoTime() + config.handshakeTimeout().toNanos();
    this.outbox = new Outbox(channel, listener.budget(), this::close);
  }

  /** Registers with the loop and sends the greeting; loop thread. */
  void open() {
    try {
      channel.configureBlocking(false);
      channel.socket().setTcpNoDelay(true);
      channel.socket().setSendBufferSize(SEND_BUFFER);
      key = loop.register(channel, this);
    } catch (IOException e) {
      close();
      return;
    }
    outbox.registered(key, loop);
    loop.watchHandshake(this);
    send(handshake.greeting());
  }

  long handshakeDeadline() {
    return handshakeDeadline;
  }

  /** The client had its time to send HELLO; loop thread. */
  void handshakeDeadlinePassed() {
    if (!helloReceived) {
      log.debug("no HELLO within the handshake timeout");
      close();
    }
  }

  // ---------------------------------------------------------------- Session, ClientConnection

  @Override
  public String wid() {
    return handshake.wid();
  }

  @Override
  public void end() {
    ending = true;
  }

  @Override
  public boolean busy() {
    return inFlight;
  }

  @Override
  public void interruptIfBlocked() {
    blocking.interrupt();
  }

  /**
   * Closes from any thread; idempotent. Replies already queued get one last non-blocking write:
   * stop() closes a connection as soon as its command is answered, which may be an instant before
   * the thread that answered it has written the reply.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    outbox.flush();
    Listener.closeQuietly(channel);
    outbox.drop();
    // On the loop, after any read in progress: the framer is the loop's alone.
    loop.execute(framer::free);
    handshake.undo();
    if (!inFlight) {
      listener.closed(this);
    }
  }

  // ---------------------------------------------------------------- loop side

  /** The socket has bytes (or EOF); loop thread. */
  void readable() {
    ByteBuffer buffer = framer.readBuffer();
    if (buffer == null) {
      outOfBuffers();
      return;
    }
    int n;
    try {
      n = channel.read(buffer);
    } catch (IOException e) {
      framer.endRead();
      log.debug("connection ended: {}", e.toString());
      close();
      return;
    }
    if (n < 0) {
      // The client is done sending; what it sent in full is still answered (a half-close).
      inputEnded = true;
      key.interestOpsAnd(~SelectionKey.OP_READ); // else every select reports the EOF again
    }
    drive();
    if (!framer.endRead()) {
      outOfBuffers();
    } else if (!helloReceived && framer.skipping()) {
      log.debug("first line over {} bytes: not a HELLO", framer.maxLineBytes());
      close();
    }
  }

  /** The budget refused this connection's input: say so once its command is answered, close. */
  private void outOfBuffers() {
    if (closed.get() || ending) {
      return;
    }
    lastWords.set(OUT_OF_BUFFERS);
    log.debug("closing a connection the memory budget refused");
    ending = true;
    key.interestOpsAnd(~SelectionKey.OP_READ);
    drive();
  }

  /** The socket takes bytes again; loop thread. */
  void writable() {
    if (outbox.flush()) {
      drive();
    }
  }

  /**
   * Starts the buffered commands one after another until one is in flight, the outbox is too full,
   * or no complete line is left; then settles what to read and write. Loop thread only.
   */
  private void drive() {
    driving = true;
    try {
      driveLines();
    } finally {
      driving = false;
    }
  }

  private void driveLines() {
    while (true) {
      while (!closed.get() && !ending && !inFlight && mayStartCommand()) {
        String line = framer.next();
        if (line == null) {
          break;
        }
        if (helloReceived) {
          command(line);
        } else {
          hello(line);
        }
      }
      if (closed.get()) {
        return;
      }
      if (inFlight) {
        if (framer.hasLine()) {
          linesWaiting = true;
          if (!inFlight) {
            // The command finished between the two looks and may not have seen linesWaiting.
            loop.execute(this::drive);
          }
        }
        break;
      }
      if (ending || (inputEnded && !framer.hasLine())) {
        // A half-sent line at EOF is dropped, as on the blocking path.
        ending = true;
        sayLastWords();
        closeWhenSent();
        return;
      }
      if (!outbox.flush()) {
        break;
      }
      if (!framer.hasLine()) {
        break;
      }
      // The outbox was full and has drained at once: go on with the lines that waited.
    }
    // Stop reading while a line already waits: its bytes are bounded, the client's are not. Nor
    // while HELLO is checked: until it is accepted, lines are capped small.
    boolean read =
        !inputEnded
            && !ending
            && (handshaken || !helloReceived)
            && !(framer.hasLine() && (inFlight || outbox.pending() > 0));
    boolean reading = (key.interestOps() & SelectionKey.OP_READ) != 0;
    if (read != reading) {
      if (read) {
        key.interestOpsOr(SelectionKey.OP_READ);
      } else {
        key.interestOpsAnd(~SelectionKey.OP_READ);
      }
    }
  }

  /**
   * Whether another command may start: the replies waiting are few, and either none waits or the
   * memory budget has room (a client that never reads is not served on credit).
   */
  private boolean mayStartCommand() {
    int pending = outbox.pending();
    return pending == 0 || (pending < MAX_PENDING && !listener.budget().spent());
  }

  private void hello(String line) {
    helloReceived = true;
    inFlight = true;
    String first = line == LineFramer.TOO_LONG ? null : line;
    InetAddress peer = channel.socket().getInetAddress();
    // A password check is thousands of hashes, a wrong one waits out its delay: not on the loop.
    HELLO_THREADS
        .newThread(
            () -> {
              Handshake.Answer answer;
              try {
                answer = handshake.answer(first, peer);
              } catch (Throwable e) {
                listener.contain("handshake", e);
                answer = Handshake.Answer.SILENT_CLOSE;
              }
              Handshake.Answer answered = answer;
              loop.execute(() -> helloAnswered(answered));
            })
        .start();
  }

  /** Loop thread: the HELLO is checked; lift the small line cap and read on, or close. */
  private void helloAnswered(Handshake.Answer answer) {
    if (answer.accepted()) {
      handshaken = true;
      framer.maxLineBytes(maxLineBytes);
    } else {
      ending = true;
    }
    finish(answer.reply());
    if (!closed.get()) {
      drive(); // reading paused while the HELLO was checked
    }
  }

  private void command(String line) {
    if (line == LineFramer.TOO_LONG) {
      outbox.add(framerError());
      return;
    }
    long started = System.nanoTime();
    inFlight = true; // from here stop() waits for the reply to be sent
    if (listener.stopping()) {
      ending = true;
      finish(SHUTDOWN);
      return;
    }
    listener.countCommand();
    int space = line.indexOf(' ');
    String verb = space < 0 ? line : line.substring(0, space);
    String argument = space < 0 ? null : line.substring(space + 1);
    CommandHandler handler = commands.handler(verb).orElse(null);
    if (handler == null) {
      completed(CommandObserver.UNKNOWN_VERB, started, FailureReplies.unknownCommand(verb));
      return;
    }
    if (handler instanceof NonBlockingHandler async) {
      CompletionStage<Reply> reply;
      try {
        reply = async.start(argument, this);
      } catch (RuntimeException e) {
        completed(verb, started, FailureReplies.of(verb, e));
        return;
      }
      if (reply != null) {
        reply.whenComplete(
            (r, e) -> {
              if (e == null && r == null) {
                onThreadAfterStart(async, verb, argument, started); // it has to wait after all
              } else {
                completed(verb, started, e == null ? r : failed(verb, e));
              }
            });
        return;
      }
    }
    onThread(handler, verb, argument, started);
  }

  /** Runs the command in flight on a virtual thread of its own; any thread. */
  private void onThread(CommandHandler handler, String verb, String argument, long started) {
    onThread(handler, verb, started, () -> handler.handle(argument, this));
  }

  /** The same for a command whose start found out that it must wait. */
  private void onThreadAfterStart(
      NonBlockingHandler handler, String verb, String argument, long started) {
    onThread(handler, verb, started, () -> handler.handleAfterStart(argument, this));
  }

  private void onThread(
      CommandHandler handler, String verb, long started, BlockingCall.Handling handling) {
    if (handler.mayBlock()) {
      outbox.flush(); // the replies held for a pipelining client go out before a long wait
    }
    COMMAND_THREADS
        .newThread(() -> completed(verb, started, runOnThread(handler, verb, handling)))
        .start();
  }

  private Reply runOnThread(CommandHandler handler, String verb, BlockingCall.Handling handling) {
    try {
      if (handler.mayBlock()) {
        return blocking.call(handling, listener);
      }
      return handling.handle();
    } catch (InterruptedException e) {
      ending = true;
      return Reply.error("ERR", "shutdown in progress");
    } catch (Throwable e) {
      return failed(verb, e);
    }
  }

  /** The reply for a command that threw; an error the JVM cannot recover from ends the process. */
  private Reply failed(String verb, Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof VirtualMachineError) {
      listener.contain("command " + verb, cause);
      return FailureReplies.INTERNAL_ERROR;
    }
    return FailureReplies.of(verb, e);
  }

  private byte[] framerError() {
    return Reply.error("ERR", "line too long (max " + framer.maxLineBytes() + " bytes)").encode();
  }

  private void sayLastWords() {
    byte[] words = lastWords.getAndSet(null);
    if (words != null) {
      outbox.add(words);
    }
  }

  // ---------------------------------------------------------------- completion side (any thread)

  private void completed(String verb, long started, Reply reply) {
    observer.completed(verb, System.nanoTime() - started);
    finish(reply == null ? null : reply.encode());
  }

  /**
   * The command in flight is answered: queue its reply, then either write it from this thread
   * (nothing else buffered: the usual lockstep client) or let the loop start the next command.
   */
  private void finish(byte[] reply) {
    if (reply != null && reply.length > 0) {
      outbox.add(reply);
    }
    if (ending && !closed.get()) {
      // The last reply (END, a refused HELLO, shutdown) leaves before the connection counts as
      // idle: stop() closes idle connections.
      sayLastWords();
      closeWhenSent();
    }
    boolean inDrive = loop.inLoop() && driving;
    if (!inDrive && !linesWaiting && !ending && !inputEnded) {
      // Written while the command still counts as in flight, so the loop leaves this outbox alone
      // meanwhile: it never waits for the outbox's lock while this thread is inside write(2). If
      // the OS preempts this thread there, this one connection waits, not every connection of the
      // loop (JFR showed loop threads blocked 1-60 ms on Outbox behind a preempted writer).
      outbox.flush();
    }
    inFlight = false;
    listener.idleNow();
    if (closed.get()) {
      listener.closed(this);
      return;
    }
    if (inDrive) {
      return; // answered at once inside drive(), which carries on
    }
    if (linesWaiting || ending || inputEnded) {
      // Lines came in meanwhile (a pipelining client): the loop writes the replies and goes on.
      linesWaiting = false;
      loop.execute(this::drive);
    }
  }

  private void send(byte[] bytes) {
    outbox.add(bytes);
    outbox.flush();
  }

  /** Sends what is queued, then closes; the rest waits for {@code OP_WRITE} if it must. */
  private void closeWhenSent() {
    outbox.flush();
    outbox.whenDrained(this::close);
  }
}
