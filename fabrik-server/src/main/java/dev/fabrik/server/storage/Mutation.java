package dev.fabrik.server.storage;

import java.time.Instant;

/** What MUTATE (or an operator) does to matching set entries. */
public sealed interface Mutation permits Mutation.Delete, Mutation.Kill, Mutation.Requeue {

  /** Remove the entries. */
  record Delete() implements Mutation {}

  /**
   * Move into the dead set with this expiry (within dead: refresh the expiry). Payload unchanged.
   */
  record Kill(Instant expiresAt) implements Mutation {}

  /** Push onto the back of each entry's queue with the payload as stored, then remove it. */
  record Requeue() implements Mutation {}
}
