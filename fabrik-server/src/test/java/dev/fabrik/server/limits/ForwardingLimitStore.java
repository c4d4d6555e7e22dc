package dev.fabrik.server.limits;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A {@link LimitStore} that passes every call to another: tests override the calls they watch or
 * hold up.
 */
abstract class ForwardingLimitStore implements LimitStore {
  private final LimitStore inner;

  ForwardingLimitStore(LimitStore inner) {
    this.inner = inner;
  }

  @Override
  public SlotGrant reserveWithSlot(
      List<String> queues,
      List<SlotRule> rules,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline) {
    return inner.reserveWithSlot(queues, rules, wid, now, deadline);
  }

  @Override
  public boolean acquire(
      String jid, String wid, List<SlotClaim> slots, List<RateTake> takes, Instant now) {
    return inner.acquire(jid, wid, slots, takes, now);
  }

  @Override
  public void release(String jid) {
    inner.release(jid);
  }

  @Override
  public Map<String, Integer> inFlight(Instant now) {
    return inner.inFlight(now);
  }

  @Override
  public Set<String> rateBlocked(Instant now) {
    return inner.rateBlocked(now);
  }

  @Override
  public List<LimitRule> savedRules() {
    return inner.savedRules();
  }

  @Override
  public void saveRule(LimitRule rule) {
    inner.saveRule(rule);
  }

  @Override
  public boolean removeRule(String id) {
    return inner.removeRule(id);
  }

  @Override
  public int purgeIdleBuckets(Instant now) {
    return inner.purgeIdleBuckets(now);
  }

  @Override
  public void clearUsage() {
    inner.clearUsage();
  }
}
