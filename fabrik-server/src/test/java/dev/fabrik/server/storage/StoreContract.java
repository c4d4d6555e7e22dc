package dev.fabrik.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Store} must show. Subclasses say how to open a fresh, empty store.
 */
public abstract class StoreContract {

  /** Truncated to microseconds: durable stores keep scores as epoch micros. */
  protected static final Instant T0 = Instant.parse("2030-01-01T00:00:00.123456Z");

  protected Store store;

  /** A new, empty store. */
  protected abstract Store open() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  protected static QueuedJob job(String jid, String queue) {
    return new QueuedJob(jid, queue, payload(jid));
  }

  protected static byte[] payload(String jid) {
    return ("{\"jid\":\"" + jid + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  protected static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  protected Optional<Reservation> reserve(String... queues) {
    return store.reserve(List.of(queues), "w1", T0, T0.plusSeconds(1800));
  }

  @Test
  void enqueueThenReserveThenAck() {
    store.enqueue(List.of(job("a", "default")));
    assertThat(store.queueSize("default")).isEqualTo(1);

    Reservation r = reserve("default").orElseThrow();
    assertThat(r.jid()).isEqualTo("a");
    assertThat(r.queue()).isEqualTo("default");
    assertThat(text(r.payload())).isEqualTo(text(payload("a")));
    assertThat(store.queueSize("default")).isZero();
    assertThat(store.workingSize()).isEqualTo(1);

    assertThat(store.acknowledge("a")).isPresent();
    assertThat(store.acknowledge("a")).isEmpty();
    assertThat(store.workingSize()).isZero();
    assertThat(store.counters()).isEqualTo(new Counters(1, 0));
  }
}
