package dev.fabrik.server.command;

import dev.fabrik.server.batch.Batches;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.tracking.Tracker;
import dev.fabrik.server.workers.WorkerRegistry;
import java.util.Map;
import java.util.Optional;

/**
 * The verb → handler table. Lookup is case-sensitive ({@code push} is an unknown command) and HELLO
 * is deliberately absent: after the handshake a second HELLO is {@code -ERR unknown command HELLO}.
 */
public final class CommandTable {
  private final Map<String, CommandHandler> handlers;

  private CommandTable(Map<String, CommandHandler> handlers) {
    this.handlers = Map.copyOf(handlers);
  }

  /** Every verb Fabrik speaks, wired to the given collaborators. */
  public static CommandTable standard(
      Manager manager, WorkerRegistry workers, InfoReport info, Tracker tracker, Batches batches) {
    return new CommandTable(
        Map.ofEntries(
            Map.entry("END", new End()),
            Map.entry("PUSH", new Push(manager)),
            Map.entry("PUSHB", new PushBulk(manager)),
            Map.entry("FETCH", new Fetch(manager)),
            Map.entry("ACK", new Ack(manager)),
            Map.entry("FAIL", new Fail(manager)),
            Map.entry("BEAT", new Beat(workers)),
            Map.entry("INFO", new Info(info)),
            Map.entry("FLUSH", new Flush(manager)),
            Map.entry("MUTATE", new Mutate(manager)),
            Map.entry("QUEUE", new Queue(manager)),
            Map.entry("BATCH", new Batch(batches)),
            Map.entry("TRACK", new Track(tracker))));
  }

  /** A table of exactly these handlers (tests). */
  public static CommandTable of(Map<String, CommandHandler> handlers) {
    return new CommandTable(handlers);
  }

  public Optional<CommandHandler> handler(String verb) {
    return Optional.ofNullable(handlers.get(verb));
  }
}
