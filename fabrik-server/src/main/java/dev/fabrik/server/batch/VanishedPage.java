package dev.fabrik.server.batch;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One page of the periodic pass over pending members ({@link BatchStore#settleVanishedPage}).
 *
 * @param moved the batches in which some member moved (each needs its completion check)
 * @param next the last member examined, where the next page resumes; null when the page reached the
 *     end (the next pass starts over)
 */
public record VanishedPage(Set<String> moved, MemberKey next) {

  /** No pending member left to examine: the next pass starts over. */
  public static final VanishedPage END = new VanishedPage(Set.of(), null);

  /** A page of {@code examined} members (at most {@code limit}) of which {@code moved} moved. */
  public static VanishedPage of(List<MemberKey> moved, List<MemberKey> examined, int limit) {
    Set<String> bids = new LinkedHashSet<>();
    moved.forEach(m -> bids.add(m.bid()));
    return new VanishedPage(bids, examined.size() < limit ? null : examined.getLast());
  }
}
