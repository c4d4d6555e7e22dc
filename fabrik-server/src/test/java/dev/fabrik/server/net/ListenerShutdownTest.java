package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.Reply;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.command.CommandHandler;
import dev.fabrik.server.command.CommandTable;
import dev.fabrik.server.workers.WorkerRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shutdown: in-flight commands finish, new commands are refused, idle sockets are closed. */
class ListenerShutdownTest {

  @Test
  void inFlightCommandFinishesWhileOthersAreTurnedAway() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CommandHandler slow =
        (arg, session) -> {
          entered.countDown();
          release.await();
          return Reply.OK;
        };
    CommandHandler ping = (arg, session) -> Reply.OK;
    WorkerRegistry workers = new WorkerRegistry(Clock.systemUTC());
    Listener listener =
        new Listener(
            TestServers.config().build(),
            CommandTable.of(Map.of("SLOW", slow, "PING", ping)),
            workers,
            Clock.systemUTC(),
            new ConnectionStats());
    listener.start();
    try (RawClient busy = RawClient.producer(listener.port());
        RawClient idle = RawClient.producer(listener.port());
        RawClient quiet = RawClient.producer(listener.port())) {
      assertThat(idle.call("PING")).isEqualTo("+OK\r\n");
      busy.send("SLOW\r\n");
      assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Void> stopping =
          CompletableFuture.runAsync(() -> listener.stop(Duration.ofSeconds(10)));
      await().atMost(Duration.ofSeconds(5)).until(listener::stopping);
      assertThat(idle.call("PING")).isEqualTo("-ERR shutdown in progress\r\n");
      assertThat(idle.closedByServer()).isTrue();
      assertThat(stopping).isNotDone();
      release.countDown();
      assertThat(busy.readReply()).isEqualTo("+OK\r\n");
      stopping.get(5, TimeUnit.SECONDS);
      assertThat(quiet.closedByServer()).isTrue();
      assertThat(listener.openSockets()).isZero();
      assertThat(listener.connections()).isZero();
    } finally {
      release.countDown();
      listener.stop(Duration.ofSeconds(1));
    }
  }

  @Test
  void unexpectedHandlerExceptionIsAnInternalErrorAndTheConnectionLives() throws IOException {
    CommandHandler boom =
        (arg, session) -> {
          throw new IllegalStateException("bug");
        };
    Listener listener =
        new Listener(
            TestServers.config().build(),
            CommandTable.of(Map.of("BOOM", boom, "PING", (a, s) -> Reply.OK)),
            new WorkerRegistry(Clock.systemUTC()),
            Clock.systemUTC(),
            new ConnectionStats());
    listener.start();
    try (RawClient c = RawClient.producer(listener.port())) {
      assertThat(c.call("BOOM")).isEqualTo("-ERR internal error\r\n");
      assertThat(c.call("PING")).isEqualTo("+OK\r\n");
    } finally {
      listener.stop(Duration.ofSeconds(1));
    }
  }
}
