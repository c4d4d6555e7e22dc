package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.worker.WorkerManager;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The Java worker's BEAT says how many jobs it runs of how many it may, and the server's worker
 * list (the Busy page's source) shows it: two of three threads blocked in a job, then none.
 */
class WorkerLoadIT {
  private final InProcessServer server = InProcessServer.memory();
  private final CountDownLatch release = new CountDownLatch(1);
  private WorkerManager worker;

  @AfterEach
  void stop() {
    release.countDown();
    if (worker != null) {
      worker.stop(Duration.ofSeconds(5));
    }
    server.close();
  }

  @Test
  void busyPageSeesTheWorkersConcurrencyAndBusyThreads() throws Exception {
    ClientConfig config = ClientConfig.builder().url(server.url()).build();
    worker =
        WorkerManager.builder(config)
            .concurrency(3)
            .queues("reports")
            .heartbeatInterval(Duration.ofMillis(100))
            .register(
                "Report", (ctx, args) -> assertThat(release.await(30, TimeUnit.SECONDS)).isTrue())
            .build();
    worker.start();
    try (Client client = Client.connect(config)) {
      client.push(Jobs.builder("Report").queue("reports").build());
      client.push(Jobs.builder("Report").queue("reports").build());
    }

    JsonNode busy = awaitLoad(2);
    assertThat(busy.path("concurrency").asInt()).isEqualTo(3);
    assertThat(busy.path("jobs_in_flight").asInt()).isEqualTo(2);

    release.countDown();
    assertThat(awaitLoad(0).path("concurrency").asInt()).isEqualTo(3);
  }

  /** The worker's entry once a BEAT has reported {@code busy} busy threads. */
  private JsonNode awaitLoad(int busy) {
    return await()
        .atMost(20, TimeUnit.SECONDS)
        .until(
            () -> server.admin().worker(worker.wid()).orElse(null),
            w -> w != null && w.has("busy") && w.path("busy").asInt() == busy);
  }
}
