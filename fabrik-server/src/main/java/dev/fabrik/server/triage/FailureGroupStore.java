package dev.fabrik.server.triage;

import dev.fabrik.server.storage.SetName;
import java.util.List;
import java.util.Optional;

/**
 * Failure groups of the retries and dead sets, kept by the store as entries come and go: SQLite and
 * PostgreSQL maintain them with triggers on the set table (so no path that adds or removes entries
 * can miss them: FAIL, kill, retry now, due retries, trim, dead purge, bulk tasks, other nodes),
 * the memory store in code. Reading them costs the number of groups, never the number of entries.
 * Entries without {@code failure.fingerprint} (failed before the server computed fingerprints, or
 * scheduled) belong to no group.
 */
public interface FailureGroupStore {

  /** Most groups a listing returns. */
  int MAX_GROUPS = 1000;

  /** Up to {@code limit} groups of {@code set} with at least one entry, in {@code order}. */
  List<FailureGroup> groups(SetName set, FailureGroup.Order order, int limit);

  /** One group, empty when the set holds none of its entries. */
  Optional<FailureGroup> group(SetName set, String fingerprint);

  /** Entries of {@code set} that belong to some group (the sum of the groups' counts). */
  long grouped(SetName set);
}
