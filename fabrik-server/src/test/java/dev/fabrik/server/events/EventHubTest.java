package dev.fabrik.server.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Reservation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventHubTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T00:00:00Z"));
  private final EventHub hub = new EventHub(clock, new EventHub.Settings(16, 2));

  private static Reservation reservation(String jid, String jobtype, String queue) {
    byte[] payload =
        ("{\"jid\":\"" + jid + "\",\"jobtype\":\"" + jobtype + "\",\"queue\":\"" + queue + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    Instant now = Instant.parse("2026-12-06T00:00:00Z");
    return new Reservation(jid, queue, payload, "w1", now, now.plusSeconds(1800));
  }

  private static List<String> drain(Subscription s) throws InterruptedException {
    List<String> out = new ArrayList<>();
    JobEvent e;
    while ((e = s.next(Duration.ZERO)) != null) {
      out.add(e.type() + ":" + e.jid());
    }
    return out;
  }

  @Test
  void eachOutcomeBecomesItsEventsInOrder() throws Exception {
    Subscription s = hub.subscribe(EventFilter.ALL);
    Reservation r = reservation("j1", "Mail", "default");
    hub.pushing(JobCodec.decode("{\"jid\":\"j1\",\"jobtype\":\"Mail\",\"queue\":\"default\"}"));
    hub.fetched(r);
    hub.failed(r, false, new FailureDecision.Retry(clock.instant().plusSeconds(30), new byte[0]));
    assertThat(drain(s)).containsExactly("pushed:j1", "fetched:j1", "failed:j1", "retried:j1");
    hub.fetched(r);
    hub.failed(r, true, new FailureDecision.Dead(clock.instant().plusSeconds(60), new byte[0]));
    hub.snoozed(r, clock.instant().plusSeconds(5));
    hub.acknowledged(r);
    List<JobEvent> events = new ArrayList<>();
    JobEvent e;
    while ((e = s.next(Duration.ZERO)) != null) {
      events.add(e);
    }
    assertThat(events)
        .extracting(JobEvent::type)
        .containsExactly("fetched", "expired", "died", "snoozed", "acked");
    assertThat(events.get(2).until()).isEqualTo(clock.instant().plusSeconds(60));
    assertThat(events.get(0).wid()).isEqualTo("w1");
    assertThat(events.get(0).jobtype()).isEqualTo("Mail");
    assertThat(events).extracting(JobEvent::seq).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void filtersByQueueAndJobtype() throws Exception {
    Subscription mail = hub.subscribe(new EventFilter(null, "Mail"));
    Subscription low = hub.subscribe(new EventFilter("low", ""));
    hub.fetched(reservation("a", "Mail", "default"));
    hub.fetched(reservation("b", "Report", "low"));
    hub.fetched(reservation("c", "Mail", "low"));
    assertThat(drain(mail)).containsExactly("fetched:a", "fetched:c");
    assertThat(drain(low)).containsExactly("fetched:b", "fetched:c");
  }

  @Test
  void aReaderThatFallsAWholeBufferBehindIsDroppedWithoutWaiting() throws Exception {
    EventHub hub = new EventHub(clock, new EventHub.Settings(4, 2));
    Subscription slow = hub.subscribe(EventFilter.ALL);
    Subscription quick = hub.subscribe(EventFilter.ALL);
    Reservation r = reservation("j", "Mail", "default");
    for (int i = 0; i < 3; i++) {
      hub.acknowledged(r);
    }
    drain(quick);
    for (int i = 0; i < 1000; i++) {
      hub.acknowledged(r); // returns at once although nobody reads "slow"
      drain(quick);
    }
    assertThat(slow.dropped()).isTrue();
    assertThat(hub.subscribers()).isEqualTo(1);
    assertThat(slow.buffered()).isLessThanOrEqualTo(5); // its buffer and the wake-up marker
    assertThat(drain(slow)).hasSize(4); // what it had buffered is still handed out, then nothing
    assertThat(quick.dropped()).isFalse();
  }

  @Test
  void subscribersAreBoundedAndClosingWakesTheReader() throws Exception {
    Subscription a = hub.subscribe(EventFilter.ALL);
    hub.subscribe(EventFilter.ALL);
    assertThatThrownBy(() -> hub.subscribe(EventFilter.ALL))
        .isInstanceOf(EventHub.TooManySubscribers.class);
    a.close();
    assertThat(a.next(Duration.ofMinutes(1))).isNull(); // at once, not after a minute
    assertThat(hub.subscribers()).isEqualTo(1);
    hub.closeAll();
    assertThat(hub.subscribers()).isZero();
  }
}
