package dev.fabrik.server.limits;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.manager.FailureReport;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.ManagerSettings;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.workers.WorkerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;

/** A manager on a store with limits hooked in, on a manual clock; FETCH never waits. */
public final class LimitFixture implements AutoCloseable {
  /** Jids must be a dozen characters or more; the tests name jobs shortly. */
  static final String PREFIX = "limit-test-";

  final ManualClock clock = new ManualClock(Instant.parse("2026-06-30T17:00:00Z"));
  final Store store;
  final Manager manager;
  final Limits limits;

  LimitFixture(Store store, LimitRule... rules) {
    this.store = store;
    this.manager =
        new Manager(
            store,
            new WorkerRegistry(clock),
            clock,
            new ManagerSettings(Duration.ZERO, Duration.ofDays(180), 1_000_000, 1 << 20));
    this.limits = new Limits(store, manager, clock);
    limits.configure(List.of(rules));
  }

  /**
   * A gate on {@code store} allowing one job of queue {@code q} in flight, with {@code state} in
   * place of the store's own limit state.
   */
  static LimitGate oneSlotGate(Store store, LimitStore state, SlotHandoffs handoffs) {
    return gate(
        store,
        state,
        handoffs,
        new LimitRule(LimitRule.Scope.QUEUE, "q", 1, 0, null, 0, null, null));
  }

  /** A gate over {@code state} under {@code rule}, nothing else around it. */
  static LimitGate gate(Store store, LimitStore state, SlotHandoffs handoffs, LimitRule rule) {
    LimitRules rules = new LimitRules(List.of(rule));
    return new LimitGate(
        store,
        state,
        () -> rules,
        new LimitCounters(),
        new IdleGaps(System::nanoTime),
        handoffs,
        (jid, queue) -> {});
  }

  void push(String jid, String queue, String type, Object... args) {
    StringBuilder a = new StringBuilder();
    for (Object o : args) {
      a.append(a.isEmpty() ? "" : ",").append(JobCodec.MAPPER.writeValueAsString(o));
    }
    manager.push(
        JobCodec.decode(
            "{\"jid\":\""
                + PREFIX
                + jid
                + "\",\"queue\":\""
                + queue
                + "\",\"jobtype\":\""
                + type
                + "\",\"args\":["
                + a
                + "]}"));
  }

  /** The jid FETCH hands {@code wid} from {@code queues} now, if any. */
  Optional<String> fetch(String wid, String... queues) {
    try {
      return manager
          .fetch(wid, List.of(queues))
          .map(p -> JobCodec.decode(p).jid().substring(PREFIX.length()));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  void ack(String jid) {
    int held = held();
    manager.ack(PREFIX + jid);
    awaitReleased(held);
  }

  void fail(String jid) {
    int held = held();
    manager.fail(new FailureReport(PREFIX + jid, "Boom", "failed", List.of()));
    awaitReleased(held);
  }

  private int held() {
    return store.limits().inFlight(clock.instant()).values().stream().mapToInt(i -> i).sum();
  }

  /**
   * A shared store releases slots off the ACK's thread (a database round trip): wait for it, as a
   * worker's next FETCH would come after it anyway.
   */
  private void awaitReleased(int heldBefore) {
    if (heldBefore > 0) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held() < heldBefore);
    }
  }

  @Override
  public void close() {
    limits.stop(Duration.ofSeconds(1));
    store.close();
  }
}
