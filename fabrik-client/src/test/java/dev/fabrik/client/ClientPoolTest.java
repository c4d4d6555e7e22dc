package dev.fabrik.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClientPoolTest {

  /** Answers every command with +OK until the client hangs up. */
  private static void okForever(FakeServer.Session s) throws java.io.IOException {
    s.handshake();
    String line;
    while ((line = s.readLine()) != null && !line.equals("END")) {
      s.write("+OK\r\n");
    }
  }

  @Test
  void healthyClientIsReused() throws Exception {
    try (FakeServer server = new FakeServer(ClientPoolTest::okForever);
        ClientPool pool = ClientPool.create(server.config().build(), 2, Duration.ofSeconds(5))) {
      Client first = pool.borrow();
      first.flush();
      pool.release(first);
      assertThat(pool.idleCount()).isEqualTo(1);

      Client second = pool.borrow();
      assertThat(second).isSameAs(first);
      pool.release(second);
      assertThat(server.accepted.get()).isEqualTo(1);
    }
  }

  @Test
  void exhaustedPoolTimesOutWithAClearException() throws Exception {
    try (FakeServer server = new FakeServer(ClientPoolTest::okForever);
        ClientPool pool = ClientPool.create(server.config().build(), 1, Duration.ofMillis(100))) {
      Client held = pool.borrow();
      assertThatThrownBy(pool::borrow)
          .isInstanceOf(PoolTimeoutException.class)
          .hasMessageContaining("all 1 pooled connections stayed in use for 100 ms");
      pool.release(held);
      // The slot is free again.
      pool.withClient(
          c -> {
            c.flush();
            return null;
          });
    }
  }

  @Test
  void brokenConnectionIsDiscardedAndReplaced() throws Exception {
    // First connection drops in the middle of its first reply; later ones behave.
    java.util.concurrent.atomic.AtomicInteger sessions =
        new java.util.concurrent.atomic.AtomicInteger();
    try (FakeServer server =
            new FakeServer(
                s -> {
                  if (sessions.incrementAndGet() == 1) {
                    s.handshake();
                    s.readLine();
                    s.write("$50\r\n{\"jid\"");
                    s.drop();
                  } else {
                    okForever(s);
                  }
                });
        ClientPool pool = ClientPool.create(server.config().build(), 1, Duration.ofMillis(200))) {
      Client first = pool.borrow();
      assertThatThrownBy(
              () ->
                  pool.withClient(
                      c -> {
                        throw new AssertionError("pool of 1 must not lend a second client");
                      }))
          .isInstanceOf(PoolTimeoutException.class);
      assertThatThrownBy(() -> first.fetch("default")).isInstanceOf(ConnectionException.class);
      pool.release(first);
      assertThat(pool.idleCount()).isZero();

      Client replacement = pool.borrow();
      assertThat(replacement).isNotSameAs(first);
      replacement.flush();
      pool.release(replacement);
      assertThat(server.accepted.get()).isEqualTo(2);
    }
  }

  @Test
  void withClientReleasesOnExceptionAndKeepsUsableConnection() throws Exception {
    try (FakeServer server =
            new FakeServer(
                s -> {
                  s.handshake();
                  s.answer("-NOTUNIQUE dup\r\n");
                  s.answer("+OK\r\n");
                  s.readLine();
                });
        ClientPool pool = ClientPool.create(server.config().build(), 1, Duration.ofSeconds(5))) {
      assertThatThrownBy(
              () ->
                  pool.withClient(
                      c -> {
                        c.push(Jobs.of("T"));
                        return null;
                      }))
          .isInstanceOf(ServerErrorException.class);
      // A server error leaves the connection healthy: it went back to the pool and is reused.
      assertThat(pool.idleCount()).isEqualTo(1);
      pool.withClient(
          c -> {
            c.flush();
            return null;
          });
      assertThat(server.accepted.get()).isEqualTo(1);
    }
  }

  @Test
  void failedConnectFreesTheSlot() throws Exception {
    int port;
    try (FakeServer server = new FakeServer(s -> {})) {
      port = server.port();
    }
    ClientConfig config = ClientConfig.builder().host("127.0.0.1").port(port).build();
    try (ClientPool pool = ClientPool.create(config, 1, Duration.ofMillis(100))) {
      assertThatThrownBy(pool::borrow).isInstanceOf(ConnectionException.class);
      // Not PoolTimeoutException: the permit was returned.
      assertThatThrownBy(pool::borrow).isInstanceOf(ConnectionException.class);
    }
  }

  @Test
  void waitingBorrowerGetsTheReleasedClient() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (FakeServer server = new FakeServer(ClientPoolTest::okForever);
        ClientPool pool = ClientPool.create(server.config().build(), 1, Duration.ofSeconds(30))) {
      Client held = pool.borrow();
      CompletableFuture<Client> waiter = CompletableFuture.supplyAsync(pool::borrow, executor);
      // No signal to wait on from outside the pool: poll its wait queue.
      await().atMost(Duration.ofSeconds(10)).until(() -> pool.waitingBorrowers() == 1);
      assertThat(waiter).isNotDone();

      pool.release(held);
      Client handedOver = waiter.get(10, TimeUnit.SECONDS);
      assertThat(handedOver).isSameAs(held);
      pool.release(handedOver);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void releasingTwiceIsRefused() throws Exception {
    try (FakeServer server = new FakeServer(ClientPoolTest::okForever);
        ClientPool pool = ClientPool.create(server.config().build(), 1, Duration.ofMillis(100))) {
      Client client = pool.borrow();
      pool.release(client);
      assertThatThrownBy(() -> pool.release(client)).isInstanceOf(IllegalArgumentException.class);
      // Still exactly one slot: a second concurrent borrow times out.
      Client again = pool.borrow();
      assertThatThrownBy(pool::borrow).isInstanceOf(PoolTimeoutException.class);
      pool.release(again);
    }
  }
}
