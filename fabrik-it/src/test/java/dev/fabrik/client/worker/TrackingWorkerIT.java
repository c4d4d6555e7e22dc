package dev.fabrik.client.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.TrackStatus;
import dev.fabrik.it.SettableClock;
import dev.fabrik.protocol.Job;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Java worker whose handler reports progress and extends its reservation, against an
 * in-process server (SQLite) whose clock the test moves: {@link Client#trackStatus} sees the
 * progress while the job runs and after it succeeded, and the server's reaper leaves the extended
 * reservation alone long after its {@code reserve_for} ran out.
 */
class TrackingWorkerIT {
  @TempDir Path dataDir;

  private final SettableClock clock = new SettableClock(Instant.now());
  private FabrikServer server;
  private Client client;
  private WorkerManager worker;

  @BeforeEach
  void start() {
    ServerConfig config =
        ServerConfig.builder()
            .bindHost("127.0.0.1")
            .port(0)
            .webPort(-1)
            .storage(System.getProperty("fabrik.it.storage", "sqlite"))
            .dataDir(dataDir)
            .fetchWait(Duration.ofMillis(100))
            .build();
    server = new FabrikServer(config, clock);
    server.start();
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

  @Test
  void progressAndExtendedReservationOfARunningJobAreVisibleThroughTrackStatus()
      throws InterruptedException {
    CountDownLatch reported = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    worker =
        WorkerManager.builder(config())
            .concurrency(1)
            .queues("default")
            .heartbeatInterval(Duration.ofMillis(200))
            .register(
                "Resize",
                (ctx, args) -> {
                  ctx.progress(40, "resizing");
                  ctx.extendReservation(Duration.ofHours(2));
                  reported.countDown();
                  if (!finish.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never let the job finish");
                  }
                  ctx.progress(100, "done");
                })
            .build();
    Job job = Jobs.builder("Resize").reserveFor(Duration.ofSeconds(60)).tracked().build();
    client.push(job);
    assertThat(client.trackStatus(job.jid()).state()).isEqualTo(TrackStatus.State.ENQUEUED);

    worker.start();
    assertThat(reported.await(30, TimeUnit.SECONDS)).as("handler reported").isTrue();
    TrackStatus running = client.trackStatus(job.jid());
    assertThat(running.state()).isEqualTo(TrackStatus.State.WORKING);
    assertThat(running.percent()).isEqualTo(40);
    assertThat(running.desc()).isEqualTo("resizing");
    assertThat(running.updatedAt()).isNotNull();

    // An hour later the 60 s reservation would long be gone; the extension keeps it.
    clock.advance(Duration.ofHours(1));
    assertThat(server.manager().maintenance().reapReservations()).isZero();
    assertThat(client.trackStatus(job.jid()).state()).isEqualTo(TrackStatus.State.WORKING);

    finish.countDown();
    await()
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> client.trackStatus(job.jid()).state() == TrackStatus.State.SUCCESS);
    TrackStatus done = client.trackStatus(job.jid());
    assertThat(done.percent()).isEqualTo(100);
    assertThat(done.desc()).isEqualTo("done");
    assertThat(client.info().totalFailures()).isZero();
  }

  @Test
  void anUntrackedJobIsUnknown() {
    Job job = Jobs.of("Plain");
    client.push(job);
    TrackStatus status = client.trackStatus(job.jid());
    assertThat(status.state()).isEqualTo(TrackStatus.State.UNKNOWN);
    assertThat(status.percent()).isNull();
    assertThat(status.updatedAt()).isNull();
  }
}
