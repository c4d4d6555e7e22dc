package dev.fabrik.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.client.worker.WorkerManager;
import dev.fabrik.spring.FabrikAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The worker's meters land in the application's registry (their fetch timers are registered when
 * the worker is built, so no server is needed to see them), and nowhere without one or when off.
 */
class FabrikMicrometerAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  FabrikMicrometerAutoConfiguration.class, FabrikAutoConfiguration.class))
          .withPropertyValues("fabrik.worker.auto-startup=false");

  @Test
  void theWorkersMetersGoToTheApplicationsRegistry() {
    runner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(WorkerManager.class);
              MeterRegistry registry = ctx.getBean(MeterRegistry.class);
              assertThat(registry.find("fabrik.fetch.duration").timers()).hasSize(2);
            });
  }

  @Test
  void withoutARegistryTheWorkerStillStarts() {
    runner.run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(WorkerManager.class));
  }

  @Test
  void metricsCanBeSwitchedOff() {
    runner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues("fabrik.worker.metrics.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(WorkerManager.class);
              assertThat(ctx.getBean(MeterRegistry.class).find("fabrik.fetch.duration").timers())
                  .isEmpty();
            });
  }
}
