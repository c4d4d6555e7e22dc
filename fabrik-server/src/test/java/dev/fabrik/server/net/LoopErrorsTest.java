package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.Reply;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.command.CommandHandler;
import dev.fabrik.server.command.CommandTable;
import dev.fabrik.server.command.NonBlockingHandler;
import dev.fabrik.server.command.Session;
import dev.fabrik.server.workers.WorkerRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nothing a connection does on an event loop ends service for the others; an error the JVM does not
 * recover from goes to the fatal handler (in production it halts the process) and the listener
 * reports that it cannot serve.
 */
class LoopErrorsTest {
  private final List<String> fatal = new CopyOnWriteArrayList<>();
  private Listener listener;

  /** Throws {@code error} on the event loop, where PUSH is decoded. */
  private static NonBlockingHandler throwingOnTheLoop(Error error) {
    return new NonBlockingHandler() {
      @Override
      public CompletionStage<Reply> start(String argument, Session session) {
        throw error;
      }

      @Override
      public Reply handle(String argument, Session session) {
        throw error;
      }
    };
  }

  @AfterEach
  void stop() {
    if (listener != null) {
      listener.stop(Duration.ofSeconds(5));
    }
  }

  private int start() {
    CommandHandler ping = (arg, session) -> Reply.OK;
    CommandHandler oomOnThread =
        (arg, session) -> {
          throw new OutOfMemoryError("test: on a command thread");
        };
    listener =
        new Listener(
            TestServers.config().build(),
            CommandTable.of(
                Map.of(
                    "PING",
                    ping,
                    "BUG",
                    throwingOnTheLoop(new AssertionError("test: a bug")),
                    "OOM",
                    throwingOnTheLoop(new OutOfMemoryError("test: on the loop")),
                    "OOMTHREAD",
                    oomOnThread)),
            new WorkerRegistry(Clock.systemUTC()),
            Clock.systemUTC(),
            new ConnectionStats(),
            CommandObserver.NONE,
            (where, error) -> fatal.add(where + ": " + error.getMessage()));
    listener.start();
    return listener.port();
  }

  @Test
  void anErrorInOneConnectionClosesOnlyThatConnection() throws IOException {
    int port = start();
    try (RawClient other = RawClient.producer(port);
        RawClient buggy = RawClient.producer(port)) {
      buggy.send("BUG\r\n");
      assertThat(buggy.closedByServer()).isTrue();
      assertThat(other.call("PING")).isEqualTo("+OK\r\n");
      try (RawClient later = RawClient.producer(port)) {
        assertThat(later.call("PING")).isEqualTo("+OK\r\n");
      }
    }
    assertThat(fatal).isEmpty();
    assertThat(listener.problem()).isNull();
  }

  @Test
  void outOfMemoryOnTheLoopGoesToTheFatalHandlerAndThePortReportsItCannotServe()
      throws IOException {
    int port = start();
    try (RawClient c = RawClient.producer(port)) {
      c.send("OOM\r\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> !fatal.isEmpty());
    }
    assertThat(fatal).containsExactly("event loop fabrik-loop-0: test: on the loop");
    assertThat(listener.problem())
        .isEqualTo(
            "event loop fabrik-loop-0 stopped: java.lang.OutOfMemoryError: test: on the loop");
  }

  @Test
  void outOfMemoryOnACommandThreadGoesToTheFatalHandler() throws IOException {
    int port = start();
    try (RawClient c = RawClient.producer(port)) {
      assertThat(c.call("OOMTHREAD")).isEqualTo("-ERR internal error\r\n");
    }
    assertThat(fatal).containsExactly("command OOMTHREAD: test: on a command thread");
  }

  @Test
  void aStoppedListenerCannotServe() {
    start();
    assertThat(listener.problem()).isNull();
    listener.stop(Duration.ofSeconds(5));
    assertThat(listener.problem()).isEqualTo("stopped");
  }
}
