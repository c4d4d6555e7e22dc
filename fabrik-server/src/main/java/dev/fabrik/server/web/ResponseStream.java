package dev.fabrik.server.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A response body written in pieces by the exchange's own (virtual) thread, as {@link
 * Requests#stream} started it. Each {@link #write} waits until Jetty has handed the bytes to the
 * socket, at most {@code timeout}: a client that stops reading fills its socket buffers, the write
 * then does not complete, and the caller gets a {@link TimeoutException} instead of a thread held
 * forever. A closed connection fails the write with an {@link IOException}.
 */
public final class ResponseStream {
  private static final long GIVE_UP_CHECK_MILLIS = 50;

  private final Request request;
  private final Response response;
  private final Callback exchange;
  private final RequestDeadlines deadlines;
  private boolean ended;

  ResponseStream(
      Request request, Response response, Callback exchange, RequestDeadlines deadlines) {
    this.request = request;
    this.response = response;
    this.exchange = exchange;
    this.deadlines = deadlines;
  }

  /** Calls {@code onFailure} (on any thread) when the connection fails or closes under us. */
  public void onFailure(Runnable onFailure) {
    request.addFailureListener(t -> onFailure.run());
  }

  /**
   * Writes {@code bytes} and waits until they are on their way, checking {@code giveUp} now and
   * then while the write is pending (a reader found too slow meanwhile need not be waited for).
   *
   * @throws TimeoutException when the socket did not take them within {@code timeout}
   * @throws IOException when the connection failed
   */
  public void write(byte[] bytes, Duration timeout, BooleanSupplier giveUp)
      throws IOException, TimeoutException {
    Callback.Completable written = new Callback.Completable();
    response.write(false, ByteBuffer.wrap(bytes), written);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        try {
          written.get(GIVE_UP_CHECK_MILLIS, TimeUnit.MILLISECONDS);
          return;
        } catch (TimeoutException e) {
          if (giveUp.getAsBoolean() || System.nanoTime() - deadline > 0) {
            throw new TimeoutException("the client took no data for " + timeout);
          }
        }
      }
    } catch (ExecutionException e) {
      throw new IOException("stream write failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing", e);
    }
  }

  /** Ends the body normally (the last chunk); the connection may serve further requests. */
  public void finish() {
    if (!ended) {
      ended = true;
      response.write(true, ByteBuffer.allocate(0), deadlines.whenSent(request, exchange));
    }
  }

  /** Ends the exchange by closing the connection (a stalled reader, a failed write). */
  public void abort(Throwable cause) {
    if (!ended) {
      ended = true;
      request.getConnectionMetaData().getConnection().getEndPoint().close(cause);
      exchange.failed(new QuietException.Exception(cause));
    }
  }
}
