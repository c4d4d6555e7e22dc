package dev.fabrik.server.command;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobFormatException;
import dev.fabrik.protocol.Reply;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.manager.Manager;
import java.util.concurrent.CompletionStage;

/**
 * {@code PUSH {"jid":"...","jobtype":"SendEmail","args":[1]}} → {@code +OK}, or {@code -ERR invalid
 * JSON: <detail>}, or whatever code the manager refuses it with ({@code -ERR jobs must have a
 * jobtype parameter}, {@code -NOTUNIQUE ...}).
 */
final class Push implements NonBlockingHandler {
  private final Manager manager;

  Push(Manager manager) {
    this.manager = manager;
  }

  @Override
  public Reply handle(String argument, Session session) {
    manager.push(decode(argument));
    return Reply.OK;
  }

  @Override
  public CompletionStage<Reply> start(String argument, Session session) {
    return manager.pushAsync(decode(argument)).thenApply(stored -> Reply.OK);
  }

  private static Job decode(String argument) {
    try {
      return JobCodec.decode(Arguments.required(argument));
    } catch (JobFormatException e) {
      throw CommandException.err("invalid JSON: " + e.getMessage());
    }
  }
}
