package dev.fabrik.client.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.MutateCommand;
import dev.fabrik.client.testing.DrainResult;
import dev.fabrik.client.testing.InlineRunner;
import dev.fabrik.protocol.Failure;
import dev.fabrik.protocol.Job;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.workers.WorkerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real worker against an in-process server over loopback. */
class WorkerEndToEndIT {
  private FabrikServer server;
  private Client client;
  private final List<WorkerManager> workers = new ArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

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
    workers.forEach(w -> w.stop(Duration.ZERO));
    client.close();
    server.close();
  }

  private ClientConfig config() {
    return ClientConfig.builder().url("tcp://127.0.0.1:" + server.port()).build();
  }

  private WorkerManager.Builder builder(int concurrency) {
    ThreadFactory recording =
        r -> {
          Thread t = new Thread(r, "test-worker");
          threads.add(t);
          return t;
        };
    return WorkerManager.builder(config())
        .concurrency(concurrency)
        .queues("default")
        .threadFactory(recording)
        .heartbeatInterval(Duration.ofMillis(50))
        .shutdownGrace(Duration.ofSeconds(5));
  }

  private WorkerManager started(WorkerManager.Builder b) {
    WorkerManager w = b.build();
    workers.add(w);
    w.start();
    return w;
  }

  @Test
  void failedJobIsRetriedWithItsFailureAndUnknownTypesFail() {
    List<Failure> secondRunSaw = new CopyOnWriteArrayList<>();
    CountDownLatch startup = new CountDownLatch(1);
    WorkerManager worker =
        started(
            builder(2)
                .onStartup(startup::countDown)
                .register(
                    "Flaky",
                    (ctx, args) -> {
                      if (ctx.attempt() == 1) {
                        throw new IllegalStateException("first run fails");
                      }
                      secondRunSaw.add(ctx.failure().orElseThrow());
                    }));
    assertThat(startup.getCount()).isZero();

    client.push(Jobs.of("Flaky"));
    client.push(Jobs.of("Unregistered", 1));
    await().atMost(10, TimeUnit.SECONDS).until(() -> client.info().retries() == 2);
    client.mutate(
        MutateCommand.requeue(MutateCommand.Target.RETRIES, MutateCommand.Filter.jobtype("Flaky")));
    await().atMost(10, TimeUnit.SECONDS).until(() -> secondRunSaw.size() == 1);

    Failure f = secondRunSaw.get(0);
    assertThat(f.errtype()).isEqualTo("java.lang.IllegalStateException");
    assertThat(f.message()).isEqualTo("first run fails");
    assertThat(f.backtrace()).isNotEmpty().first().asString().contains("WorkerEndToEndIT");
    await().atMost(10, TimeUnit.SECONDS).until(() -> client.info().working() == 0);
    // the server counts a FAIL as processed too
    assertThat(client.info().totalProcessed()).isEqualTo(3);
    assertThat(client.info().totalFailures()).isEqualTo(2);
    worker.stop(Duration.ofSeconds(5));

    // The unknown job failed with its own type; drain it with a registry that knows it.
    client.mutate(
        MutateCommand.requeue(
            MutateCommand.Target.RETRIES, MutateCommand.Filter.jobtype("Unregistered")));
    List<String> errtypes = new ArrayList<>();
    HandlerRegistry late =
        HandlerRegistry.create()
            .register(
                "Unregistered", (ctx, args) -> errtypes.add(ctx.failure().orElseThrow().errtype()));
    DrainResult drained = InlineRunner.of(late).drain(config(), "default");
    assertThat(drained.performed()).isEqualTo(1);
    assertThat(drained.failed()).isZero();
    assertThat(errtypes).containsExactly(UnknownJobTypeException.class.getName());
  }

  @Test
  void jobThatKeepsFailingEndsInTheDeadSetAfterItsRetries() {
    AtomicInteger runs = new AtomicInteger();
    started(
        builder(2)
            .register(
                "AlwaysFails",
                (ctx, args) -> {
                  runs.incrementAndGet();
                  throw new IllegalArgumentException("attempt " + ctx.attempt());
                }));

    client.push(Jobs.builder("AlwaysFails").retry(1).build());
    await().atMost(10, TimeUnit.SECONDS).until(() -> client.info().retries() == 1);
    // Skip the backoff: put the retry back in its queue now.
    client.mutate(MutateCommand.requeue(MutateCommand.Target.RETRIES, MutateCommand.Filter.all()));
    await().atMost(10, TimeUnit.SECONDS).until(() -> client.info().dead() == 1);

    assertThat(runs).hasValue(2); // retry 1 = one run plus one retry
    assertThat(client.info().retries()).isZero();
    assertThat(client.info().totalFailures()).isEqualTo(2);
  }

  @Test
  void quietStopsFetchingAndTerminateStops() {
    CountDownLatch quiet = new CountDownLatch(1);
    CountDownLatch shutdown = new CountDownLatch(1);
    AtomicInteger performed = new AtomicInteger();
    WorkerManager worker =
        started(
            builder(3)
                .onQuiet(quiet::countDown)
                .onShutdown(shutdown::countDown)
                .register("Count", (ctx, args) -> performed.incrementAndGet()));
    client.push(Jobs.of("Count"));
    await().atMost(10, TimeUnit.SECONDS).until(() -> performed.get() == 1);

    server.workers().signal(worker.wid(), WorkerState.QUIET);
    await().atMost(10, TimeUnit.SECONDS).until(() -> quiet.getCount() == 0);
    // Every fetch loop has ended, so nothing can take the next job.
    await().atMost(10, TimeUnit.SECONDS).until(() -> threads.stream().noneMatch(Thread::isAlive));
    client.push(Jobs.of("Count"));
    assertThat(client.info().queueSize("default")).isEqualTo(1);
    assertThat(worker.isRunning()).isTrue();

    server.workers().signal(worker.wid(), WorkerState.TERMINATE);
    await().atMost(10, TimeUnit.SECONDS).until(() -> shutdown.getCount() == 0);
    assertThat(worker.isRunning()).isFalse();
    assertThat(performed.get()).isEqualTo(1);
    assertThat(client.info().queueSize("default")).isEqualTo(1);
  }

  @Test
  void stopFinishesJobsWithinGraceAndFailsTheRest() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    WorkerManager worker =
        started(
            builder(4)
                .register("Short", (ctx, args) -> release.await())
                .register(
                    "Stuck",
                    (ctx, args) -> {
                      try {
                        new CountDownLatch(1).await();
                      } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                        throw e;
                      }
                    }));
    client.push(Jobs.of("Short"));
    client.push(Jobs.of("Stuck"));
    client.push(Jobs.of("Stuck"));
    await().atMost(10, TimeUnit.SECONDS).until(() -> worker.inFlight() == 3);

    Thread stopper = new Thread(() -> worker.stop(Duration.ofMillis(500)));
    stopper.start();
    release.countDown();
    stopper.join(15_000);

    assertThat(stopper.isAlive()).isFalse();
    assertThat(interrupted.get()).isEqualTo(2);
    var info = client.info();
    assertThat(info.totalProcessed()).isEqualTo(3);
    assertThat(info.totalFailures()).isEqualTo(2);
    assertThat(info.retries()).isEqualTo(2);
    assertThat(info.working()).isZero();
    assertThat(info.queueSize("default")).isZero();
  }

  @Test
  void jobPastReserveForIsFailedAndInterrupted() {
    AtomicInteger interrupted = new AtomicInteger();
    started(
        builder(1)
            .register(
                "Slow",
                (ctx, args) -> {
                  try {
                    new CountDownLatch(1).await();
                  } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                  }
                }));
    client.push(Jobs.builder("Slow").reserveFor(Duration.ofSeconds(1)).build());

    await().atMost(10, TimeUnit.SECONDS).until(() -> client.info().retries() == 1);
    await().atMost(10, TimeUnit.SECONDS).until(() -> interrupted.get() == 1);
    assertThat(client.info().totalFailures()).isEqualTo(1);
    assertThat(client.info().totalProcessed()).isEqualTo(1);
  }

  @Test
  void tenThousandJobsAtConcurrencyFiftyRunExactlyOnce() {
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    AtomicInteger total = new AtomicInteger();
    started(
        builder(50)
            .register(
                "Count",
                (ctx, args) -> {
                  runs.computeIfAbsent(ctx.jid(), k -> new AtomicInteger()).incrementAndGet();
                  total.incrementAndGet();
                }));
    List<Job> batch = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      batch.add(Jobs.of("Count", i));
      if (batch.size() == 1000) {
        assertThat(client.pushBulk(batch)).isEmpty();
        batch.clear();
      }
    }

    await().atMost(60, TimeUnit.SECONDS).until(() -> total.get() >= 10_000);
    await().atMost(10, TimeUnit.SECONDS).until(() -> client.info().totalProcessed() == 10_000);
    assertThat(runs).hasSize(10_000);
    assertThat(runs.values()).allMatch(n -> n.get() == 1);
    assertThat(client.info().working()).isZero();
  }
}
