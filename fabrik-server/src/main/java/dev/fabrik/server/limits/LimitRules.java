package dev.fabrik.server.limits;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rules in force, by queue and by job type; immutable. */
final class LimitRules {
  static final LimitRules NONE = new LimitRules(List.of());

  private final Map<String, LimitRule> byQueue = new LinkedHashMap<>();
  private final Map<String, LimitRule> byJobtype = new LinkedHashMap<>();
  private final boolean keyed;
  private final boolean rated;

  /** Later rules with the same id replace earlier ones. */
  LimitRules(Collection<LimitRule> rules) {
    boolean anyKey = false;
    boolean anyRate = false;
    for (LimitRule r : rules) {
      (r.scope() == LimitRule.Scope.QUEUE ? byQueue : byJobtype).put(r.name(), r);
    }
    for (LimitRule r : all()) {
      anyKey |= r.key() != null;
      anyRate |= r.rate() > 0;
    }
    this.keyed = anyKey;
    this.rated = anyRate;
  }

  boolean isEmpty() {
    return byQueue.isEmpty() && byJobtype.isEmpty();
  }

  LimitRule queue(String name) {
    return byQueue.get(name);
  }

  LimitRule jobtype(String name) {
    return byJobtype.get(name);
  }

  Collection<LimitRule> jobtypeRules() {
    return byJobtype.values();
  }

  /** True when some rate rule is partitioned by a key (FETCH must read payloads). */
  boolean keyed() {
    return keyed;
  }

  /** True when some rule limits a rate (FETCH must read the rate buckets). */
  boolean rated() {
    return rated;
  }

  /** True when none of these rules can concern a FETCH from {@code queues}. */
  boolean ignore(List<String> queues) {
    if (!byJobtype.isEmpty()) {
      return false;
    }
    for (String q : queues) {
      if (byQueue.containsKey(q)) {
        return false;
      }
    }
    return true;
  }

  List<LimitRule> all() {
    List<LimitRule> out = new java.util.ArrayList<>(byQueue.values());
    out.addAll(byJobtype.values());
    return out;
  }
}
