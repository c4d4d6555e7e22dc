package dev.fabrik.server.manager;

import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;

/**
 * MUTATE (spec §3.11) and the web console's actions on the scheduled, retry and dead sets: {@code
 * clear}, {@code discard}, {@code kill} and {@code requeue}, each one store call. A kill's expiry
 * (now + the dead TTL) is computed here and only here.
 */
public final class SetActions {
  private final Store store;
  private final Clock clock;
  private final Duration deadTtl;

  SetActions(Store store, Clock clock, Duration deadTtl) {
    this.store = store;
    this.clock = clock;
    this.deadTtl = deadTtl;
  }

  /** MUTATE on retries/scheduled/dead (spec §3.11). */
  public void mutate(MutateRequest request) {
    SetName set = SetName.fromWire(request.target());
    if (set == null) {
      throw CommandException.err("invalid target for mutation command");
    }
    String cmd = request.cmd() == null ? "" : request.cmd();
    if (cmd.equals("clear")) {
      store.mutate(set, e -> true, new Mutation.Delete());
    } else {
      store.mutate(set, MutationFilters.of(request.filter()), mutation(cmd));
    }
  }

  /**
   * An operator's action from the web console: MUTATE's {@code cmd} ({@code discard}, {@code kill},
   * {@code requeue}) on the entries of {@code set} with these keys, with the same rules (a kill
   * expires after the configured dead TTL). Keys of entries that are gone are skipped.
   *
   * @return how many entries were changed
   * @throws CommandException for another {@code cmd}
   */
  public int mutate(SetName set, Collection<SetEntry.Key> keys, String cmd) {
    return store.mutate(set, keys, mutation(cmd));
  }

  /**
   * The same on every entry of {@code set} matching {@code query} ("act on all matching").
   *
   * @return how many entries were changed
   * @throws CommandException for another {@code cmd}
   */
  public int mutate(SetName set, SetQuery query, String cmd) {
    return store.mutate(set, query, mutation(cmd));
  }

  private Mutation mutation(String cmd) {
    return switch (cmd) {
      case "discard" -> new Mutation.Delete();
      case "kill" -> new Mutation.Kill(clock.instant().plus(deadTtl));
      case "requeue" -> new Mutation.Requeue();
      default -> throw CommandException.err("unknown mutate operation");
    };
  }
}
