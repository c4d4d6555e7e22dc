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
import dev.fabrik.server.storage.StorageException;
import dev.fabrik.server.workers.WorkerRegistry;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Commands answered later on another thread ({@link NonBlockingHandler}, as PUSH from the SQLite
 * writer): their replies keep command order, failures become replies, and a handler that declines
 * ({@code null}) runs on a thread.
 */
class NonBlockingCommandTest {
  private final AtomicReference<CompletableFuture<Reply>> pending = new AtomicReference<>();
  private final AtomicInteger startedOnThread = new AtomicInteger();
  private Listener listener;

  /** LATER: answered when the test completes {@link #pending}, from the test's thread. */
  private final NonBlockingHandler later =
      new NonBlockingHandler() {
        @Override
        public CompletionStage<Reply> start(String argument, Session session) {
          CompletableFuture<Reply> f = new CompletableFuture<>();
          pending.set(f);
          return f;
        }

        @Override
        public Reply handle(String argument, Session session) {
          throw new AssertionError("an event-loop connection must call start()");
        }
      };

  /** DECLINE: start() says it would wait, so handle() runs on a thread. */
  private final NonBlockingHandler decline =
      new NonBlockingHandler() {
        @Override
        public CompletionStage<Reply> start(String argument, Session session) {
          return null;
        }

        @Override
        public Reply handle(String argument, Session session) {
          startedOnThread.incrementAndGet();
          return Reply.bulk("from " + (Thread.currentThread().isVirtual() ? "virtual" : "other"));
        }
      };

  /** NOTHING: answered later with a null reply (a FETCH that found nothing), so handle() runs. */
  private final NonBlockingHandler nothing =
      new NonBlockingHandler() {
        @Override
        public CompletionStage<Reply> start(String argument, Session session) {
          return later.start(argument, session);
        }

        @Override
        public Reply handle(String argument, Session session) throws InterruptedException {
          return decline.handle(argument, session);
        }
      };

  private final NonBlockingHandler full =
      new NonBlockingHandler() {
        @Override
        public CompletionStage<Reply> start(String argument, Session session) {
          return CompletableFuture.failedFuture(new StorageException("disk is full"));
        }

        @Override
        public Reply handle(String argument, Session session) {
          throw new AssertionError("not called");
        }
      };

  @AfterEach
  void stop() {
    if (listener != null) {
      listener.stop(Duration.ofSeconds(5));
    }
  }

  private int start() {
    CommandHandler ping = (arg, session) -> Reply.OK;
    listener =
        new Listener(
            TestServers.config().build(),
            CommandTable.of(
                Map.of(
                    "LATER", later,
                    "DECLINE", decline,
                    "NOTHING", nothing,
                    "FULL", full,
                    "PING", ping)),
            new WorkerRegistry(Clock.systemUTC()),
            Clock.systemUTC(),
            new ConnectionStats());
    listener.start();
    return listener.port();
  }

  @Test
  void aLaterReplyHoldsBackTheNextPipelinedCommandAndKeepsOrder() throws Exception {
    try (RawClient c = RawClient.producer(start())) {
      c.send("LATER\r\nPING\r\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> pending.get() != null);
      c.socket().setSoTimeout(300);
      try {
        c.readReply();
        throw new AssertionError("a reply arrived before the first command was answered");
      } catch (SocketTimeoutException expected) {
        // nothing may come before LATER's reply, not even PING's
      }
      c.socket().setSoTimeout(10_000);
      Thread.ofPlatform().start(() -> pending.get().complete(Reply.bulk("late"))).join();
      assertThat(c.readReply()).isEqualTo("$4\r\nlate\r\n");
      assertThat(c.readReply()).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void aFailedStageIsAnErrorReplyAndTheConnectionLives() throws IOException {
    try (RawClient c = RawClient.producer(start())) {
      assertThat(c.call("FULL")).isEqualTo("-ERR storage failure: disk is full\r\n");
      assertThat(c.call("PING")).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void aDecliningHandlerRunsOnAVirtualThread() throws IOException {
    try (RawClient c = RawClient.producer(start())) {
      assertThat(c.call("DECLINE")).isEqualTo("$12\r\nfrom virtual\r\n");
      assertThat(startedOnThread).hasValue(1);
    }
  }

  @Test
  void aStageThatEndsWithoutAReplyRunsTheCommandOnAThreadBeforeThePipelinedNext() throws Exception {
    try (RawClient c = RawClient.producer(start())) {
      c.socket().setSoTimeout(30_000);
      c.send("NOTHING\r\nPING\r\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> pending.get() != null);
      // Completed from another thread, as a store's reserver answers an empty FETCH.
      Thread.ofPlatform().start(() -> pending.get().complete(null)).join();
      assertThat(c.readReply()).isEqualTo("$12\r\nfrom virtual\r\n");
      assertThat(c.readReply()).isEqualTo("+OK\r\n");
      assertThat(startedOnThread).hasValue(1);
    }
  }

  @Test
  void stopWaitsForALaterReplyAndSendsIt() throws Exception {
    try (RawClient c = RawClient.producer(start())) {
      c.send("LATER\r\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> pending.get() != null);
      CompletableFuture<Void> stopping =
          CompletableFuture.runAsync(() -> listener.stop(Duration.ofSeconds(10)));
      await().atMost(Duration.ofSeconds(5)).until(listener::stopping);
      assertThat(stopping).isNotDone();
      pending.get().complete(Reply.OK);
      assertThat(c.readReply()).isEqualTo("+OK\r\n");
      stopping.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(c.closedByServer()).isTrue();
    }
  }
}
