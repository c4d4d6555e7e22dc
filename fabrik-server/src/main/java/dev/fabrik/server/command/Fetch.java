package dev.fabrik.server.command;

import dev.fabrik.protocol.Reply;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.manager.Manager;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code FETCH critical default} → the first job of the first non-empty queue as a bulk string
 * (sent as stored, never re-encoded), or {@code $-1} after the manager's wait. Never {@code $0}:
 * Node would JSON.parse an empty string. At least one queue is required (Faktory issue #496).
 *
 * <p>On an event loop a FETCH that finds a job is answered there (or, when the store's reserve is a
 * database round trip, on the store thread that got the job); one that must wait runs {@link
 * #handle} on a thread of its own.
 */
final class Fetch implements NonBlockingHandler {
  private final Manager manager;

  Fetch(Manager manager) {
    this.manager = manager;
  }

  @Override
  public Reply handle(String argument, Session session) throws InterruptedException {
    Optional<byte[]> job = manager.fetch(session.wid(), queues(argument));
    return job.<Reply>map(Reply::bulk).orElse(Reply.NULL);
  }

  /** The store's answer to {@link #start} was "nothing queued": wait without asking it again. */
  @Override
  public Reply handleAfterStart(String argument, Session session) throws InterruptedException {
    Optional<byte[]> job = manager.fetchAfterEmptyLook(session.wid(), queues(argument));
    return job.<Reply>map(Reply::bulk).orElse(Reply.NULL);
  }

  @Override
  public CompletionStage<Reply> start(String argument, Session session) {
    if (manager.fetchWaitsForStorage()) {
      // A database round trip: answered on the store's thread when it comes back with a job; a
      // null reply (nothing there) sends the FETCH to a thread of its own to wait.
      CompletableFuture<Optional<byte[]>> job =
          manager.fetchNowAsync(session.wid(), queues(argument));
      return job == null ? null : job.thenApply(j -> j.<Reply>map(Reply::bulk).orElse(null));
    }
    Optional<byte[]> job = manager.fetchNow(session.wid(), queues(argument));
    return job.<CompletionStage<Reply>>map(j -> CompletableFuture.completedStage(Reply.bulk(j)))
        .orElse(null);
  }

  @Override
  public boolean mayBlock() {
    return true;
  }

  private static List<String> queues(String argument) {
    List<String> queues = Arguments.words(argument);
    if (queues.isEmpty()) {
      throw CommandException.err("must call fetch with at least one queue");
    }
    return queues;
  }
}
