package dev.fabrik.client.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.MutateCommand;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.config.ServerConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Job listeners and snoozes from the Java worker, against an in-process server. */
class JobListenerIT {
  private FabrikServer server;
  private Client client;
  private WorkerManager worker;
  private final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    server =
        FabrikServer.start(
            ServerConfig.builder()
                .bindHost("127.0.0.1")
                .port(0)
                .webPort(-1)
                .storage("memory")
                .fetchWait(Duration.ofMillis(100))
                .build());
    client = Client.connect(config());
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.stop(Duration.ZERO);
    }
    client.close();
    server.close();
  }

  private ClientConfig config() {
    return ClientConfig.builder().url("tcp://127.0.0.1:" + server.port()).build();
  }

  /** Records every event as text; also throws from started() to prove it changes nothing. */
  private final JobListener recorder =
      new JobListener() {
        @Override
        public void started(JobContext ctx) {
          events.add("started " + ctx.type());
          throw new IllegalStateException("a broken listener");
        }

        @Override
        public void succeeded(JobContext ctx, Duration took) {
          events.add("succeeded " + ctx.type());
        }

        @Override
        public void failed(JobContext ctx, Throwable error, Duration took, FailureFate fate) {
          events.add("failed " + ctx.type() + " " + fate + " " + error.getClass().getSimpleName());
        }

        @Override
        public void snoozed(JobContext ctx, Duration delay, Duration took) {
          events.add("snoozed " + ctx.type() + " " + delay + " after " + ctx.snoozes());
        }
      };

  private void startWorker(WorkerManager.Builder b) {
    worker = b.concurrency(1).listener(recorder).shutdownGrace(Duration.ofSeconds(5)).build();
    worker.start();
  }

  private List<String> jobEvents() {
    return events.stream().filter(e -> !e.startsWith("fetched")).toList();
  }

  @Test
  void everyOutcomeIsHeardOnceAndABrokenListenerChangesNothing() {
    CountDownLatch fetches = new CountDownLatch(1);
    startWorker(
        WorkerManager.builder(config())
            .listener(
                new JobListener() {
                  @Override
                  public void fetched(Duration took, boolean found) {
                    assertThat(took).isPositive();
                    fetches.countDown();
                  }
                })
            .register("Ok", (ctx, args) -> {})
            .register(
                "Flaky",
                (ctx, args) -> {
                  throw new IllegalArgumentException("no");
                })
            .register(
                "Slow",
                (ctx, args) -> {
                  try {
                    new CountDownLatch(1).await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));

    client.push(Jobs.of("Ok"));
    await().atMost(10, TimeUnit.SECONDS).until(() -> jobEvents().size() == 2);
    client.push(Jobs.builder("Flaky").retry(1).build());
    await().atMost(10, TimeUnit.SECONDS).until(() -> client.info().retries() == 1);
    client.mutate(MutateCommand.requeue(MutateCommand.Target.RETRIES, MutateCommand.Filter.all()));
    await().atMost(10, TimeUnit.SECONDS).until(() -> client.info().dead() == 1);
    client.push(Jobs.builder("Slow").retry(0).reserveFor(Duration.ofSeconds(1)).build());
    await().atMost(10, TimeUnit.SECONDS).until(() -> jobEvents().size() == 8);

    assertThat(jobEvents())
        .containsExactly(
            "started Ok",
            "succeeded Ok",
            "started Flaky",
            "failed Flaky RETRY IllegalArgumentException",
            "started Flaky",
            "failed Flaky DEAD IllegalArgumentException",
            "started Slow",
            "failed Slow DISCARD JobTimeoutException");
    assertThat(fetches.getCount()).isZero();
    assertThat(client.info().totalProcessed()).isEqualTo(4);
  }

  @Test
  void aSnoozedJobWaitsInTheScheduledSetWithItsRetryCountUntouched() {
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    startWorker(
        WorkerManager.builder(config())
            .register(
                "Polite",
                (ctx, args) -> {
                  attempts.add(ctx.attempt());
                  if (ctx.snoozes() == 0) {
                    ctx.snooze(Duration.ofMinutes(10));
                  }
                  if (ctx.snoozes() == 1) {
                    throw new SnoozeException(Duration.ofMillis(1500));
                  }
                }));

    client.push(Jobs.of("Polite"));
    await().atMost(10, TimeUnit.SECONDS).until(() -> client.info().scheduled() == 1);
    assertThat(client.info().retries()).isZero();
    assertThat(client.info().totalFailures()).isZero();
    // Ten minutes is long: bring it back now; the second snooze (1.5 s) runs out by itself.
    client.mutate(
        MutateCommand.requeue(MutateCommand.Target.SCHEDULED, MutateCommand.Filter.all()));
    await().atMost(15, TimeUnit.SECONDS).until(() -> attempts.size() == 3);
    await().atMost(10, TimeUnit.SECONDS).until(() -> client.info().totalProcessed() == 1);

    assertThat(attempts).containsExactly(1, 1, 1);
    assertThat(client.info().totalFailures()).isZero();
    assertThat(jobEvents())
        .containsExactly(
            "started Polite",
            "snoozed Polite PT10M after 0",
            "started Polite",
            "snoozed Polite PT1.5S after 1",
            "started Polite",
            "succeeded Polite");
  }
}
