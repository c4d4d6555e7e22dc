package dev.fabrik.server.command;

import dev.fabrik.protocol.Reply;
import java.util.concurrent.CompletionStage;

/**
 * A handler that can start its command without holding the calling thread while storage works: the
 * event loop that read the line calls {@link #start} and answers when the stage completes (a
 * thread-per-connection caller still uses {@link #handle}). PUSH is one: its decode and validation
 * run on the loop, its insert joins the next group commit. ACK is one, and FETCH when a job is
 * there.
 */
public interface NonBlockingHandler extends CommandHandler {

  /**
   * Does the quick part of the command now and returns its reply as a stage, which may complete on
   * a storage thread. Refusals known at once (bad JSON, a missing jobtype) may be thrown as {@link
   * dev.fabrik.server.CommandException}s instead of completing the stage.
   *
   * @return the reply to come, or {@code null} when the command has to wait for something (a FETCH
   *     on empty queues): the caller then runs {@link #handle} on a thread that may block. The
   *     stage may also complete with a {@code null} reply, found out later (the store's answer to a
   *     FETCH was: nothing queued): the caller then does the same.
   */
  CompletionStage<Reply> start(String argument, Session session);

  /**
   * {@link #handle} for a command whose {@link #start} stage completed with a {@code null} reply:
   * what start found out (a FETCH's queues were empty just now) need not be asked again.
   */
  default Reply handleAfterStart(String argument, Session session) throws InterruptedException {
    return handle(argument, session);
  }
}
