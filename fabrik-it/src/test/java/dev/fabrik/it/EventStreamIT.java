package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.admin.BulkAction;
import dev.fabrik.client.admin.EventListener;
import dev.fabrik.client.admin.EventSubscription;
import dev.fabrik.client.admin.FabrikAdmin;
import dev.fabrik.client.admin.JobEvent;
import dev.fabrik.client.admin.SetFilter;
import dev.fabrik.client.admin.SetName;
import dev.fabrik.protocol.Job;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GET /api/events (Server-Sent Events) with the admin client's subscriber and a raw socket. */
class EventStreamIT {
  private InProcessServer server;
  private Client client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private FabrikAdmin start() {
    server = InProcessServer.start(InProcessServer.base().storage("memory"));
    client = Client.connect(ClientConfig.builder().host("127.0.0.1").port(server.port()).build());
    return FabrikAdmin.connect(URI.create("http://127.0.0.1:" + server.webPort()), null);
  }

  /** Collects events; {@code closed} holds the reason once the stream ended. */
  private static final class Collector implements EventListener {
    final BlockingQueue<JobEvent> events = new LinkedBlockingQueue<>();
    final BlockingQueue<String> closed = new LinkedBlockingQueue<>();

    @Override
    public void onEvent(JobEvent event) {
      events.add(event);
    }

    @Override
    public void onClosed(String reason) {
      closed.add(reason == null ? "closed by us" : reason);
    }

    JobEvent next() throws InterruptedException {
      JobEvent e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("an event within 20 s").isNotNull();
      return e;
    }
  }

  private Job fetchOne() {
    return client.fetch("default").orElseThrow();
  }

  private void retryFrom(FabrikAdmin admin, SetName set) {
    String key = admin.setPage(set, SetFilter.ALL, null, 1).entries().getFirst().key();
    assertThat(admin.act(set, BulkAction.RETRY, List.of(key))).isEqualTo(1);
  }

  @Test
  void aSubscriberSeesEveryLifecycleEventOfAJobInOrder() throws Exception {
    FabrikAdmin admin = start();
    Collector seen = new Collector();
    try (EventSubscription sub = admin.events("default", "Charge", seen)) {
      client.push(Jobs.builder("Other").build()); // filtered out by job type
      Job job = Jobs.builder("Charge").retry(1).build();
      client.push(job);
      assertThat(fetchOne().jid()).isNotEqualTo(job.jid()); // "Other" first
      assertThat(fetchOne().jid()).isEqualTo(job.jid());
      client.fail(job.jid(), "CardError", "declined", List.of());
      retryFrom(admin, SetName.RETRIES);
      fetchOne();
      client.fail(job.jid(), "CardError", "declined again", List.of());
      retryFrom(admin, SetName.DEAD);
      fetchOne();
      client.ack(job.jid());

      List<String> types = new ArrayList<>();
      List<JobEvent> events = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        JobEvent e = seen.next();
        events.add(e);
        types.add(e.type());
      }
      assertThat(types)
          .containsExactly(
              "pushed", "fetched", "failed", "retried", "fetched", "failed", "died", "fetched",
              "acked");
      assertThat(events).allMatch(e -> e.jid().equals(job.jid()) && e.jobtype().equals("Charge"));
      assertThat(events).extracting(JobEvent::id).isSorted().doesNotHaveDuplicates();
      assertThat(events.get(3).until()).isAfter(events.get(3).at()); // when the retry runs
      assertThat(events.get(1).wid()).isNotNull();
      assertThat(seen.events).isEmpty();
      assertThat(sub.isOpen()).isTrue();
    }
    assertThat(seen.closed.poll(10, TimeUnit.SECONDS)).isEqualTo("closed by us");
  }

  private long push40k() {
    long started = System.nanoTime();
    for (int b = 0; b < 40; b++) {
      List<Job> jobs = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        jobs.add(Jobs.builder("Bulk").build());
      }
      assertThat(client.pushBulk(jobs)).isEmpty();
    }
    return (System.nanoTime() - started) / 1_000_000;
  }

  private long subscribers(FabrikAdmin admin) {
    return admin.getJson("api/events/stats").path("subscribers").asLong();
  }

  @Test
  void aStalledSubscriberIsDroppedAndDoesNotHoldUpPush() throws Exception {
    FabrikAdmin admin = start();
    long alone = push40k();
    client.flush();
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096); // fills fast; this reader then never reads
      stalled.connect(new InetSocketAddress("127.0.0.1", server.webPort()));
      OutputStream o = stalled.getOutputStream();
      o.write(
          "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      o.flush();
      Collector healthy = new Collector();
      try (EventSubscription sub = admin.events(null, "Tick", healthy)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> subscribers(admin) == 2);
        // 40k "pushed" events of ~230 bytes: more than the stalled socket's buffers hold.
        long withStalled = push40k();
        System.out.printf(
            "40,000 pushes (PUSHB of 1000): %d ms alone, %d ms with a stalled subscriber%n",
            alone, withStalled);

        // Dropped: the hub forgot it (its memory is freed) and counted it.
        await().atMost(Duration.ofSeconds(20)).until(() -> subscribers(admin) == 1);
        assertThat(admin.getJson("api/events/stats").path("dropped").asLong()).isEqualTo(1);

        // The server serves other subscribers as before.
        client.push(Jobs.builder("Tick").build());
        assertThat(healthy.next().type()).isEqualTo("pushed");
        assertThat(sub.isOpen()).isTrue();
      }
    }
  }

  @Test
  void stoppingTheServerEndsTheStreamAtOnce() throws Exception {
    FabrikAdmin admin = start();
    Collector seen = new Collector();
    try (EventSubscription sub = admin.events(null, null, seen)) {
      long started = System.nanoTime();
      server.close();
      server = null;
      assertThat(seen.closed.poll(20, TimeUnit.SECONDS)).isEqualTo("the server ended the stream");
      // Well before the 10 s heartbeat: the stop closed the subscription, not the idle timeout.
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
      assertThat(sub.isOpen()).isFalse();
    }
  }
}
