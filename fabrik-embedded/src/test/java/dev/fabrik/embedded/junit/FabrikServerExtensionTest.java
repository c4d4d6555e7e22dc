package dev.fabrik.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.testing.DrainResult;
import dev.fabrik.client.worker.HandlerRegistry;
import dev.fabrik.client.worker.WorkerManager;
import dev.fabrik.embedded.EmbeddedFabrik;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@FabrikServerTest
class FabrikServerExtensionTest {
  private static int classServerPort;

  @BeforeAll
  static void rememberTheClassServer(EmbeddedFabrik fabrik) {
    classServerPort = fabrik.port();
  }

  @BeforeEach
  void emptyServer(EmbeddedFabrik fabrik) {
    try (Client client = fabrik.connect()) {
      client.flush();
    }
  }

  @Test
  void aJobPushedWithTheClientIsWorkedByDrain(ClientConfig config, EmbeddedFabrik fabrik) {
    assertThat(fabrik.port()).isEqualTo(classServerPort);
    try (Client client = Client.connect(config)) {
      client.push(Jobs.of("Greet", "Ada"));
      client.push(Jobs.of("Greet", "Alan"));
      client.push(Jobs.builder("Greet").queue("other").args("Grace").build());
    }
    List<Object> greeted = new CopyOnWriteArrayList<>();
    HandlerRegistry handlers =
        HandlerRegistry.create()
            .register(
                "Greet",
                (ctx, args) -> {
                  greeted.add(args.get(0));
                  if (args.get(0).equals("Alan")) {
                    ctx.push(Jobs.of("Greet", "follow-up"));
                  }
                });

    DrainResult result = fabrik.drain(handlers, "default");

    assertThat(greeted).containsExactly("Ada", "Alan", "follow-up");
    assertThat(result.succeeded()).isEqualTo(3);
    try (Client client = Client.connect(config)) {
      assertThat(client.info().queueSize("other")).isEqualTo(1);
    }
  }

  @Test
  void drainFailsAJobWhoseHandlerThrows(EmbeddedFabrik fabrik) {
    try (Client client = fabrik.connect()) {
      client.push(Jobs.of("Broken"));
    }
    HandlerRegistry handlers =
        HandlerRegistry.create()
            .register(
                "Broken",
                (ctx, args) -> {
                  throw new IllegalStateException("no");
                });

    DrainResult result = fabrik.drain(handlers, "default");

    assertThat(result.failed()).isEqualTo(1);
    try (Client client = fabrik.connect()) {
      assertThat(client.info().retries()).isEqualTo(1);
    }
  }

  @Test
  void awaitIdleReturnsOnceAWorkerManagerHasWorkedEveryJob(EmbeddedFabrik fabrik) {
    assertThat(fabrik.port()).isEqualTo(classServerPort);
    AtomicInteger worked = new AtomicInteger();
    try (Client client = fabrik.connect()) {
      for (int i = 0; i < 50; i++) {
        client.push(Jobs.of("Count", i));
      }
    }
    try (WorkerManager worker =
        WorkerManager.builder(fabrik.clientConfig())
            .concurrency(4)
            .register("Count", (ctx, args) -> worked.incrementAndGet())
            .build()) {
      worker.start();
      fabrik.awaitIdle(Duration.ofSeconds(30), "default");
      assertThat(worked).hasValue(50);
    }
  }

  @Nested
  class ANestedClass {
    @Test
    void sharesTheEnclosingClassesServer(EmbeddedFabrik fabrik) {
      assertThat(fabrik.port()).isEqualTo(classServerPort);
    }
  }
}
