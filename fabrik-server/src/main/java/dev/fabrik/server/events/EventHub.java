package dev.fabrik.server.events;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.manager.OutcomeListener;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Reservation;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns the manager's outcome callbacks into {@link JobEvent}s and hands each to the subscribers
 * whose filter matches. It runs on the PUSH, FETCH, ACK or FAIL thread (an event loop, the store's
 * writer), so it never waits: with no subscriber it returns at once, and a subscriber whose bounded
 * buffer is full is dropped rather than waited for.
 *
 * <p>Only this node's outcomes are seen: with several nodes on one PostgreSQL database, a
 * subscriber sees the jobs pushed, fetched, acknowledged and failed through the node it is
 * connected to (docs/api.md says so).
 */
public final class EventHub implements OutcomeListener {
  /** Bounds: events buffered per subscriber, and subscribers at once. */
  public record Settings(int bufferPerSubscriber, int maxSubscribers) {
    public static Settings defaults() {
      return new Settings(1000, 64);
    }
  }

  /** Thrown by {@link #subscribe} when {@link Settings#maxSubscribers} are listening. */
  public static final class TooManySubscribers extends RuntimeException {
    TooManySubscribers(int max) {
      super("too many event subscribers (" + max + "); close one first", null, false, false);
    }
  }

  private final Clock clock;
  private final Settings settings;
  private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  public EventHub(Clock clock, Settings settings) {
    this.clock = clock;
    this.settings = settings;
  }

  /** A new subscriber; close it to unsubscribe. */
  public synchronized Subscription subscribe(EventFilter filter) {
    if (subscribers.size() >= settings.maxSubscribers()) {
      throw new TooManySubscribers(settings.maxSubscribers());
    }
    Subscription s = new Subscription(filter, settings.bufferPerSubscriber(), this);
    subscribers.add(s);
    return s;
  }

  /** How many events one subscriber may fall behind before it is dropped. */
  public int bufferPerSubscriber() {
    return settings.bufferPerSubscriber();
  }

  /** Subscribers right now. */
  public int subscribers() {
    return subscribers.size();
  }

  /** Subscribers dropped for falling behind since the server started. */
  public long dropped() {
    return dropped.get();
  }

  void remove(Subscription s) {
    subscribers.remove(s);
  }

  /** Closes every subscription (server stop): their readers end their streams. */
  public void closeAll() {
    for (Subscription s : subscribers) {
      s.close();
    }
  }

  @Override
  public void pushing(Job job) {
    if (subscribers.isEmpty()) {
      return;
    }
    publish("pushed", job.jid(), job.jobtype(), job.queue(), null, scheduledAt(job.at()));
  }

  @Override
  public void fetched(Reservation r) {
    publish("fetched", r, null);
  }

  @Override
  public void acknowledged(Reservation r) {
    publish("acked", r, null);
  }

  @Override
  public void failed(Reservation r, boolean expired) {
    failed(r, expired, null);
  }

  @Override
  public void failed(Reservation r, boolean expired, FailureDecision.Outcome outcome) {
    if (subscribers.isEmpty()) {
      return;
    }
    publish(expired ? "expired" : "failed", r, null);
    switch (outcome) {
      case FailureDecision.Retry retry -> publish("retried", r, retry.at());
      case FailureDecision.Dead dead -> publish("died", r, dead.expiresAt());
      case null, default -> {}
    }
  }

  @Override
  public void snoozed(Reservation r, Instant until) {
    publish("snoozed", r, until);
  }

  private void publish(String type, Reservation r, Instant until) {
    if (subscribers.isEmpty()) {
      return;
    }
    publish(type, r.jid(), jobtype(r.payload()), r.queue(), r.wid(), until);
  }

  private void publish(
      String type, String jid, String jobtype, String queue, String wid, Instant until) {
    JobEvent event = null;
    for (Subscription s : subscribers) {
      if (!s.filter().matches(queue, jobtype)) {
        continue;
      }
      if (event == null) {
        event =
            new JobEvent(
                seq.incrementAndGet(), type, jid, jobtype, queue, clock.instant(), wid, until);
      }
      if (!s.offer(event)) {
        // Never wait for a slow reader: forget it; its stream ends with a "dropped" event.
        if (subscribers.remove(s)) {
          dropped.incrementAndGet();
        }
        s.drop();
      }
    }
  }

  /** A pushed job's {@code at}, when it names a moment (validated by the manager already). */
  private static Instant scheduledAt(String at) {
    if (at == null || at.isEmpty()) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(at).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** The job type from a stored payload; decoded only while someone listens. */
  private static String jobtype(byte[] payload) {
    try {
      JsonNode type = JobCodec.MAPPER.readTree(payload).get("jobtype");
      return type == null || !type.isString() ? null : type.stringValue();
    } catch (JacksonException | IllegalArgumentException e) {
      return null;
    }
  }
}
