package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The lean load generator: one thread drives every connection of a phase over non-blocking sockets,
 * like redis-benchmark, so the client takes a small share of the machine the server runs on. Each
 * connection is connected and handshaken in blocking mode ({@link ProtocolConnection#handshake})
 * before the clock starts, then switched to non-blocking; a {@link Driver} per connection decides
 * what to send at the start and after each reply. Plain TCP only: TLS URLs use the
 * thread-per-connection engine.
 */
final class EventLoop {
  /**
   * What one connection does; every call runs on the loop thread, so drivers share plain fields.
   */
  interface Driver {
    /** The clock has started: send the first command(s), or {@link Link#finish()}. */
    void start(Link link);

    /** The next reply, in the order the commands were sent. */
    void reply(Link link, Reply reply);
  }

  /** Work due at a time rather than on a reply, e.g. the latency phase's paced PUSHes. */
  interface Timer {
    /** When {@link #fire()} is next due ({@link System#nanoTime()}), or Long.MAX_VALUE. */
    long dueNanos();

    /** Runs the due work; what it sends through links leaves before the loop waits again. */
    void fire();
  }

  private static final Timer NO_TIMER =
      new Timer() {
        @Override
        public long dueNanos() {
          return Long.MAX_VALUE;
        }

        @Override
        public void fire() {}
      };

  private final ConnectionOptions options;
  private final Tally tally;
  private Timer timer = NO_TIMER;
  private final List<Link> links = new ArrayList<>();
  private Selector selector;
  private int active;

  private EventLoop(ConnectionOptions options, Tally tally) {
    this.options = options;
    this.tally = tally;
  }

  /** Returns the wall time from the first start to the last connection finishing. */
  static Duration run(
      ConnectionOptions options, int connections, Tally tally, IntFunction<Driver> drivers) {
    return run(options, connections, tally, drivers, NO_TIMER);
  }

  /** As {@link #run(ConnectionOptions, int, Tally, IntFunction)}, also firing {@code timer}. */
  static Duration run(
      ConnectionOptions options,
      int connections,
      Tally tally,
      IntFunction<Driver> drivers,
      Timer timer) {
    if (options.sslSocketFactory() != null) {
      throw new IllegalArgumentException("the event-loop engine speaks plain TCP only");
    }
    EventLoop loop = new EventLoop(options, tally);
    loop.timer = timer;
    try {
      loop.selector = Selector.open();
      for (int i = 0; i < connections; i++) {
        loop.links.add(loop.open(drivers.apply(i)));
      }
      return loop.drive();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      loop.closeAll();
    }
  }

  private Link open(Driver driver) throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      channel.socket().setTcpNoDelay(true);
      channel
          .socket()
          .connect(
              new InetSocketAddress(options.host(), options.port()),
              (int) options.connectTimeout().toMillis());
    } catch (IOException e) {
      channel.close();
      throw new UncheckedIOException(
          "cannot connect to " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
    }
    // Not closed on purpose: it would close the channel. The server sends nothing after +OK until
    // asked, so its reader holds no buffered bytes that the loop would miss.
    ProtocolConnection.handshake(channel.socket(), options);
    channel.configureBlocking(false);
    Link link = new Link(channel, driver);
    link.key = channel.register(selector, SelectionKey.OP_READ, link);
    return link;
  }

  private Duration drive() throws IOException {
    long start = System.nanoTime();
    active = links.size();
    for (Link link : links) {
      try {
        link.driver.start(link);
        link.flush();
      } catch (IOException | RuntimeException e) {
        tally.error(e.toString());
        link.finish();
      }
    }
    long quietLimit =
        options.readTimeout().isZero() ? Long.MAX_VALUE : options.readTimeout().toNanos();
    long lastProgress = System.nanoTime();
    while (active > 0) {
      long wait = Math.min(1000, millisUntil(timer.dueNanos()));
      int ready =
          wait == 0 ? selector.selectNow(this::handle) : selector.select(this::handle, wait);
      long now = System.nanoTime();
      if (now >= timer.dueNanos()) {
        timer.fire();
        flushAll();
        lastProgress = now;
      }
      if (ready > 0) {
        lastProgress = now;
      } else if (now - lastProgress > quietLimit) {
        for (Link link : links) {
          if (!link.finished) {
            tally.error("no reply within " + options.readTimeout());
            link.finish();
          }
        }
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Selector timeouts are in whole milliseconds: round up, so work is never fired early. */
  private static long millisUntil(long due) {
    if (due == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    long nanos = due - System.nanoTime();
    return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
  }

  private void flushAll() {
    for (Link link : links) {
      if (!link.finished && link.out.position() > 0) {
        try {
          link.flush();
        } catch (IOException | RuntimeException e) {
          tally.error(e.toString());
          link.finish();
        }
      }
    }
  }

  private void handle(SelectionKey key) {
    Link link = (Link) key.attachment();
    try {
      if (key.isReadable()) {
        link.readReplies();
      }
      if (!link.finished && (key.isWritable() || link.out.position() > 0)) {
        link.flush();
      }
    } catch (IOException | RuntimeException e) {
      tally.error(e.toString());
      link.finish();
    }
  }

  private void closeAll() {
    ByteBuffer end = ByteBuffer.wrap("END\r\n".getBytes(StandardCharsets.US_ASCII));
    for (Link link : links) {
      try {
        link.channel.write(end.rewind()); // best effort: the server treats a drop like END
      } catch (IOException | RuntimeException e) {
        // nothing to do: closing anyway
      }
      try {
        link.channel.close();
      } catch (IOException e) {
        // nothing left to do
      }
    }
    if (selector != null) {
      try {
        selector.close();
      } catch (IOException e) {
        // nothing left to do
      }
    }
  }

  /** One connection's buffers and parser; drivers send through it. */
  final class Link {
    private final SocketChannel channel;
    private final Driver driver;
    private final ReplyParser parser = new ReplyParser(ProtocolConnection.MAX_REPLY_BYTES);
    private final ByteBuffer in = ByteBuffer.allocateDirect(32 * 1024);
    private ByteBuffer out = ByteBuffer.allocateDirect(8 * 1024);
    private SelectionKey key;
    private boolean finished;

    private Link(SocketChannel channel, Driver driver) {
      this.channel = channel;
      this.driver = driver;
    }

    /**
     * Queues {@code line} + CRLF; lines queued while handling one reply leave in one write (the
     * drain phase's ACK and next FETCH).
     */
    void send(String line) {
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      if (out.remaining() < bytes.length + 2) {
        int size = out.capacity();
        while (size - out.position() < bytes.length + 2) {
          size *= 2;
        }
        ByteBuffer bigger = ByteBuffer.allocateDirect(size);
        out.flip();
        bigger.put(out);
        out = bigger;
      }
      out.put(bytes).put((byte) '\r').put((byte) '\n');
    }

    /** True once finished by its driver or by an error. */
    boolean isFinished() {
      return finished;
    }

    /** This connection has done its share; the phase ends when every link has finished. */
    void finish() {
      if (!finished) {
        finished = true;
        active--;
        key.cancel();
      }
    }

    private void readReplies() throws IOException {
      int n = channel.read(in);
      if (n < 0) {
        throw new IOException("the server closed the connection");
      }
      in.flip();
      Reply reply;
      while (!finished && (reply = parser.next(in)) != null) {
        driver.reply(this, reply);
      }
      in.compact();
    }

    private void flush() throws IOException {
      if (out.position() == 0) {
        return;
      }
      out.flip();
      channel.write(out);
      out.compact();
      // Wait for room in the socket only while something is left to write.
      int ops =
          out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
      if (!finished && key.interestOps() != ops) {
        key.interestOps(ops);
      }
    }
  }
}
