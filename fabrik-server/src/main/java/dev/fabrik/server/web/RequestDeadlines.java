package dev.fabrik.server.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The admin port's clocks on slow clients, beside Jetty's idle timeout (which only sees silence,
 * not a client that trickles a byte now and then):
 *
 * <ul>
 *   <li><b>Header timeout:</b> a connection must deliver a complete request line and headers within
 *       {@code header} of opening, and again within {@code header} of each response being sent; a
 *       half-sent {@code GET / HTTP/1.1\r\n} is closed then. Idle keep-alive connections are closed
 *       at the same moment, so none is kept longer than the header timeout between requests.
 *   <li><b>Body timeout:</b> while a handler reads a request body, the whole body must arrive
 *       within {@code body}; else the connection is closed and the read fails.
 * </ul>
 *
 * Closing is the whole sanction: there is no one to send a 408 to that would read it. It is a
 * {@link Connection.Listener} bean of the connector, so it sees every connection open and close.
 */
final class RequestDeadlines implements Connection.Listener {
  private final Scheduler scheduler;
  private final Duration header;
  private final Duration body;
  private final Map<Connection, Waiting> connections = new ConcurrentHashMap<>();

  RequestDeadlines(Scheduler scheduler, Duration header, Duration body) {
    this.scheduler = scheduler;
    this.header = header;
    this.body = body;
  }

  /** One connection's wait for its next request head. */
  private static final class Waiting {
    private Scheduler.Task task;
    private long requests;
    private boolean inRequest;
  }

  /** A running body deadline; closing it stops the clock. */
  interface Deadline extends AutoCloseable {
    @Override
    void close();
  }

  @Override
  public void onOpened(Connection connection) {
    Waiting w = new Waiting();
    connections.put(connection, w);
    awaitNextHead(connection, w);
  }

  @Override
  public void onClosed(Connection connection) {
    Waiting w = connections.remove(connection);
    if (w != null) {
      synchronized (w) {
        if (w.task != null) {
          w.task.cancel();
        }
      }
    }
  }

  /** A request's head is in ({@code handle} was called): its connection's clock stops. */
  void headReceived(Request request) {
    Waiting w = connections.get(request.getConnectionMetaData().getConnection());
    if (w == null) {
      return;
    }
    synchronized (w) {
      w.requests++;
      w.inRequest = true;
      if (w.task != null) {
        w.task.cancel();
        w.task = null;
      }
    }
  }

  /**
   * {@code callback} wrapped so that the connection's clock restarts once the response has been
   * written: the next request head must then arrive in time.
   */
  Callback whenSent(Request request, Callback callback) {
    Connection connection = request.getConnectionMetaData().getConnection();
    Waiting w = connections.get(connection);
    if (w == null) {
      return callback;
    }
    return Callback.from(
        callback,
        () -> {
          synchronized (w) {
            w.inRequest = false;
          }
          awaitNextHead(connection, w);
        });
  }

  /** Starts the body clock for {@code request}; close the result once the body is read. */
  Deadline body(Request request) {
    Connection connection = request.getConnectionMetaData().getConnection();
    Scheduler.Task task =
        scheduler.schedule(
            () ->
                connection
                    .getEndPoint()
                    .close(new TimeoutException("request body not received within " + body)),
            body);
    return task::cancel;
  }

  private void awaitNextHead(Connection connection, Waiting w) {
    synchronized (w) {
      long seen = w.requests;
      if (w.task != null) {
        w.task.cancel();
      }
      w.task =
          scheduler.schedule(
              () -> {
                boolean late;
                synchronized (w) {
                  late = !w.inRequest && w.requests == seen;
                }
                if (late) {
                  connection
                      .getEndPoint()
                      .close(new TimeoutException("no request head within " + header));
                }
              },
              header);
    }
  }
}
