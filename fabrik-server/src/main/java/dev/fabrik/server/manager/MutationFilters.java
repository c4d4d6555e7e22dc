package dev.fabrik.server.manager;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobFormatException;
import dev.fabrik.server.storage.SetEntry;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Predicate;

/**
 * MUTATE's filter (spec §3.11), in the reference's precedence: non-empty {@code jids} (the others
 * are then ignored) &gt; {@code regexp} (a Redis glob over the stored compact JSON, plus the
 * jobtype when given) &gt; {@code jobtype} &gt; everything. Jids and jobtypes are compared as
 * fields, not as substrings of the JSON.
 */
final class MutationFilters {
  private MutationFilters() {}

  static Predicate<SetEntry> of(MutateRequest.Filter filter) {
    if (filter == null) {
      return e -> true;
    }
    if (filter.jids() != null && !filter.jids().isEmpty()) {
      Set<String> jids = Set.copyOf(filter.jids().stream().filter(j -> j != null).toList());
      return e -> jids.contains(e.jid());
    }
    String jobtype = filter.jobtype();
    boolean hasJobtype = jobtype != null && !jobtype.isEmpty();
    if (filter.regexp() != null && !filter.regexp().isEmpty()) {
      Glob glob = Glob.compile(filter.regexp());
      Predicate<SetEntry> byGlob =
          e -> glob.matches(new String(e.payload(), StandardCharsets.UTF_8));
      return hasJobtype ? byGlob.and(e -> jobtypeIs(e, jobtype)) : byGlob;
    }
    return hasJobtype ? e -> jobtypeIs(e, jobtype) : e -> true;
  }

  private static boolean jobtypeIs(SetEntry e, String jobtype) {
    try {
      return jobtype.equals(JobCodec.decode(e.payload()).jobtype());
    } catch (JobFormatException ex) {
      return false;
    }
  }
}
