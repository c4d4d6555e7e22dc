package dev.fabrik.server.net;

import dev.fabrik.protocol.PasswordHash;
import dev.fabrik.protocol.Reply;
import dev.fabrik.server.auth.LoginThrottle;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerRegistry;
import dev.fabrik.server.workers.WorkerState;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The greeting and the answer to HELLO, for either kind of connection. Every failure is silent (the
 * socket is closed without a reply) except a wrong password, a HELLO over the limits and a full
 * server:
 *
 * <pre>
 * S: +HI {"v":2,"i":5120,"s":"2a5c0e1f9d3b7a61"}
 * C: HELLO {"wid":"w1","hostname":"h","pid":42,"v":2,"pwdhash":"..."}
 * S: +OK                                   accepted
 * S: -ERR Invalid password                 then closed, after a delay that grows per source
 * S: -ERR Too many failed password attempts; try again later   then closed, unchecked
 * S: -ERR wid is longer than 128 characters  then closed
 * S: +OK  -ERR too many connections: 2000  then closed (as Faktory 1.9+ does)
 * </pre>
 *
 * Remembers what it registered (the handshaken count, the worker) so {@link #undo} can take it back
 * when the connection closes.
 */
final class Handshake {
  private static final Logger log = LoggerFactory.getLogger(Handshake.class);
  private static final byte[] INVALID_PASSWORD = Reply.error("ERR", "Invalid password").encode();
  private static final byte[] THROTTLED =
      Reply.error("ERR", "Too many failed password attempts; try again later").encode();

  private final ServerConfig config;
  private final Listener listener;
  private final WorkerRegistry workers;
  private final Clock clock;
  private final Runnable expire;
  private final Greeting greeting;
  private volatile String wid = "";
  private volatile boolean counted;
  private volatile boolean attached;

  /**
   * @param expire closes the connection; run when its worker's heartbeat expires
   */
  Handshake(
      ServerConfig config,
      Listener listener,
      WorkerRegistry workers,
      Clock clock,
      Runnable expire) {
    this.config = config;
    this.listener = listener;
    this.workers = workers;
    this.clock = clock;
    this.expire = expire;
    this.greeting = Greeting.create(config.hasPassword());
  }

  /** The {@code +HI} line, sent on accept. */
  byte[] greeting() {
    return greeting.encode();
  }

  /** What to send back for the client's first line, and whether the connection stays open. */
  record Answer(byte[] reply, boolean accepted) {
    static final Answer SILENT_CLOSE = new Answer(new byte[0], false);
  }

  /**
   * Answers the first line ({@code null} when it was over the line cap) from {@code peer} (null if
   * unknown). Checks the password, which costs thousands of hashes, and waits out the delay of a
   * wrong one, so a connection on an event loop calls this on a virtual thread.
   */
  Answer answer(String line, InetAddress peer) {
    if (line == null || !line.startsWith("HELLO {")) {
      return Answer.SILENT_CLOSE;
    }
    Hello hello;
    try {
      hello = Hello.parse(line.substring("HELLO ".length()));
    } catch (Hello.Undecodable e) {
      log.debug("undecodable HELLO: {}", e.getMessage());
      return Answer.SILENT_CLOSE;
    } catch (Hello.Refused e) {
      return new Answer(Reply.error("ERR", e.getMessage()).encode(), false);
    }
    if (config.hasPassword()) {
      byte[] refusal = checkPassword(hello, peer);
      if (refusal != null) {
        return new Answer(refusal, false);
      }
    }
    counted = true;
    if (listener.handshakeDone() > config.maxConnections()) {
      // Unsolicited, right after +OK; the client sees it on its next read.
      ByteArrayOutputStream both = new ByteArrayOutputStream();
      both.writeBytes(Reply.OK.encode());
      both.writeBytes(
          Reply.error("ERR", "too many connections: " + config.maxConnections()).encode());
      return new Answer(both.toByteArray(), false);
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
    return new Answer(Reply.OK.encode(), true);
  }

  /**
   * Null when the proof is right; else the reply, once the source's delay has passed. A proof that
   * is not 64 hex digits is wrong without hashing, and a source over its budget is refused without
   * looking (see {@link LoginThrottle}).
   */
  private byte[] checkPassword(Hello hello, InetAddress peer) {
    LoginThrottle logins = listener.loginThrottle();
    LoginThrottle.Attempt attempt = logins.attempt(peer, LoginThrottle.Port.COMMAND);
    if (!attempt.admitted()) {
      logins.pause(attempt.failed());
      return THROTTLED;
    }
    if (PasswordHash.isWellFormed(hello.pwdhash())
        && PasswordHash.matches(
            PasswordHash.compute(
                config.password(), greeting.salt(), hello.hashIterations(greeting.iterations())),
            hello.pwdhash())) {
      attempt.succeeded();
      return null;
    }
    logins.pause(attempt.failed());
    return INVALID_PASSWORD;
  }

  /** The worker id from HELLO, or {@code ""}. */
  String wid() {
    return wid;
  }

  /** Takes back what {@link #answer} registered; called once, when the connection closes. */
  void undo() {
    if (attached) {
      workers.detach(wid, expire);
    }
    if (counted) {
      listener.handshakeUndone();
    }
  }
}
