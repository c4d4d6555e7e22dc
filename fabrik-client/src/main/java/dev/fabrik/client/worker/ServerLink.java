package dev.fabrik.client.worker;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.ConnectionException;
import dev.fabrik.client.ServerInfo;
import dev.fabrik.client.WorkerState;
import dev.fabrik.protocol.Job;
import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * One worker connection (its HELLO carries the worker's wid), opened on first use and reopened on
 * the next call after the {@link Client} broke. Each processor thread owns one, because FETCH holds
 * its connection for up to two seconds; heartbeats and out-of-band FAILs share another. Calls are
 * synchronized so a shared link is safe.
 *
 * <p>Errors are the client's: {@code ServerErrorException} is an answer (repeating cannot help),
 * anything else means the connection broke and the command may be retried.
 */
class ServerLink implements Closeable {
  private final ClientConfig config;
  private Client client;
  private boolean closed;

  ServerLink(ClientConfig config) {
    this.config = config;
  }

  /** The next job from the first non-empty queue in {@code queues}, or null after the wait. */
  Job fetch(List<String> queues) {
    return call(c -> c.fetch(queues.toArray(String[]::new)).orElse(null));
  }

  void ack(String jid) {
    call(
        c -> {
          c.ack(jid);
          return null;
        });
  }

  /** {@code FAIL} with {@link Failures}' view of {@code error}. */
  void fail(String jid, Throwable error) {
    call(
        c -> {
          c.fail(
              jid, error.getClass().getName(), Failures.message(error), Failures.backtrace(error));
          return null;
        });
  }

  /** {@code FAIL} asking for a snooze ({@link Client#snooze}). */
  void snooze(String jid, Duration delay) {
    call(
        c -> {
          c.snooze(jid, delay);
          return null;
        });
  }

  void push(Job job) {
    call(
        c -> {
          c.push(job);
          return null;
        });
  }

  void trackProgress(String jid, int percent, String description) {
    call(
        c -> {
          c.trackProgress(jid, percent, description);
          return null;
        });
  }

  void extendReservation(String jid, Instant until) {
    call(
        c -> {
          c.extendReservation(jid, until);
          return null;
        });
  }

  WorkerState beat(String wid, long rssKb, WorkerState reported) {
    return call(c -> c.beat(wid, rssKb, reported));
  }

  /** BEAT with the process's concurrency and busy count (see {@link Client#beat}). */
  WorkerState beat(String wid, long rssKb, WorkerState reported, int concurrency, int busy) {
    return call(c -> c.beat(wid, rssKb, reported, concurrency, busy));
  }

  ServerInfo info() {
    return call(Client::info);
  }

  private synchronized <T> T call(Function<Client, T> command) {
    if (closed) {
      throw new ConnectionException("worker connection closed");
    }
    if (client == null) {
      client = Client.connect(config);
    }
    try {
      return command.apply(client);
    } finally {
      if (client.isBroken()) {
        client.close();
        client = null;
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
