package dev.fabrik.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.ClientPool;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.worker.HandlerRegistry;
import dev.fabrik.client.worker.JobContext;
import dev.fabrik.client.worker.JobHandler;
import dev.fabrik.client.worker.JsonJobHandler;
import dev.fabrik.client.worker.WorkerManager;
import dev.fabrik.protocol.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;

/**
 * Property binding and which beans exist, without a server: the worker's auto-startup is off, so no
 * connection is opened.
 */
class FabrikAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(JacksonAutoConfiguration.class, FabrikAutoConfiguration.class))
          .withPropertyValues("fabrik.worker.auto-startup=false");

  record Signup(String emailAddress, int planId) {}

  /** Handlers as users write them: an annotated method, and a JobHandler bean. */
  @Configuration(proxyBeanMethods = false)
  static class Handlers {
    final List<Object> seen = new ArrayList<>();

    @FabrikJob("Welcome")
    void welcome(Signup signup) {
      seen.add(signup);
    }

    @Bean
    @FabrikJob("Cleanup")
    JobHandler cleanup() {
      return (ctx, args) -> seen.add(args);
    }
  }

  @Test
  void bindsConnectionPoolAndWorkerProperties() {
    runner
        .withPropertyValues(
            "fabrik.url=tcp://:fromurl@jobs.internal:7500",
            "fabrik.password=override",
            "fabrik.connect-timeout=2s",
            "fabrik.read-timeout=20s",
            "fabrik.pool.size=3",
            "fabrik.worker.concurrency=7",
            "fabrik.worker.shutdown-grace=40s",
            "fabrik.worker.weights.critical=3",
            "fabrik.worker.weights.default=1",
            "fabrik.worker.labels=spring,blue")
        .run(
            ctx -> {
              ClientConfig config = ctx.getBean(ClientConfig.class);
              assertThat(config.host()).isEqualTo("jobs.internal");
              assertThat(config.port()).isEqualTo(7500);
              assertThat(config.password()).isEqualTo("override");
              assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
              assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(20));
              assertThat(ctx.getBean(ClientPool.class).maxSize()).isEqualTo(3);
              FabrikProperties.Worker worker = ctx.getBean(FabrikProperties.class).getWorker();
              assertThat(worker.getConcurrency()).isEqualTo(7);
              assertThat(worker.getShutdownGrace()).isEqualTo(Duration.ofSeconds(40));
              assertThat(worker.toQueues().names()).containsExactly("critical", "default");
              assertThat(worker.getLabels()).containsExactly("spring", "blue");
              assertThat(ctx).hasSingleBean(WorkerManager.class);
              assertThat(ctx.getBean(WorkerManager.class).isRunning()).isFalse();
            });
  }

  @Test
  void strictQueuesKeepTheirOrder() {
    runner
        .withPropertyValues("fabrik.worker.queues=critical,default,bulk")
        .run(
            ctx ->
                assertThat(ctx.getBean(FabrikProperties.class).getWorker().toQueues().names())
                    .containsExactly("critical", "default", "bulk"));
  }

  @Test
  void producerOnlyApplicationsGetAPoolAndNoWorker() {
    runner
        .withPropertyValues("fabrik.worker.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(ClientPool.class);
              assertThat(ctx).doesNotHaveBean(WorkerManager.class);
              assertThat(ctx).doesNotHaveBean(HandlerRegistry.class);
            });
  }

  @Test
  void disabledMeansNoFabrikBeansAtAll() {
    runner
        .withPropertyValues("fabrik.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(ClientPool.class);
              assertThat(ctx).doesNotHaveBean(WorkerManager.class);
            });
  }

  @Test
  void registersAnnotatedMethodsAndHandlerBeansBindingWithTheApplicationsMapper() {
    runner
        .withUserConfiguration(Handlers.class)
        // The application's own Jackson settings reach job arguments.
        .withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
        .run(
            ctx -> {
              HandlerRegistry registry = ctx.getBean(HandlerRegistry.class);
              assertThat(registry.jobtypes()).containsExactlyInAnyOrder("Welcome", "Cleanup");

              perform(registry, Jobs.of("Welcome", Map.of("email_address", "a@x", "plan_id", 2)));
              perform(registry, Jobs.of("Cleanup", "tmp", 7));

              assertThat(ctx.getBean(Handlers.class).seen)
                  .containsExactly(new Signup("a@x", 2), List.of("tmp", 7));
            });
  }

  @Test
  void customizersAdjustTheWorker() {
    List<String> order = new ArrayList<>();
    runner
        .withBean(
            WorkerManagerCustomizer.class,
            () ->
                b ->
                    b.use(
                        (ctx, next) -> {
                          order.add("middleware");
                          next.proceed();
                        }))
        .withUserConfiguration(Handlers.class)
        .run(
            ctx -> {
              perform(ctx.getBean(HandlerRegistry.class), Jobs.of("Cleanup"));
              assertThat(order).containsExactly("middleware");
            });
  }

  @Test
  void aHandlerBeanWithoutAJobTypeStopsTheApplicationWithAClearMessage() {
    runner
        .withBean("orphan", JobHandler.class, () -> (ctx, args) -> {})
        .run(
            ctx ->
                assertThat(ctx)
                    .hasFailed()
                    .getFailure()
                    .hasMessageContaining("bean 'orphan' is a JobHandler without @FabrikJob"));
  }

  @Test
  void twoHandlersForOneJobTypeStopTheApplication() {
    runner
        .withUserConfiguration(Handlers.class)
        .withBean("secondWelcome", JobHandler.class, () -> new WelcomeAgain())
        .run(
            ctx ->
                assertThat(ctx)
                    .hasFailed()
                    .getFailure()
                    .hasMessageContaining("a handler is already registered for Welcome"));
  }

  @Test
  void jsonHandlerBeansGetTheArgsArrayAsItCame() {
    List<String> seen = new ArrayList<>();
    runner
        .withBean("rawReport", JsonReport.class, () -> new JsonReport(seen))
        .run(
            ctx -> {
              perform(ctx.getBean(HandlerRegistry.class), Jobs.of("RawReport", 1, "x"));
              assertThat(seen).containsExactly("[1,\"x\"]");
            });
  }

  @Test
  void fabrikJobOnAClassThatIsNoHandlerStopsTheApplication() {
    runner
        .withBean("misplaced", Misplaced.class, Misplaced::new)
        .run(
            ctx ->
                assertThat(ctx)
                    .hasFailed()
                    .getFailure()
                    .hasMessageContaining(
                        "bean 'misplaced' has @FabrikJob on its class but is no JobHandler"));
  }

  @FabrikJob("RawReport")
  record JsonReport(List<String> seen) implements JsonJobHandler {
    @Override
    public void perform(JobContext ctx, JsonNode args) {
      seen.add(args.toString());
    }
  }

  @FabrikJob("Misplaced")
  static final class Misplaced {
    public void perform(String arg) {}
  }

  @FabrikJob("Welcome")
  static final class WelcomeAgain implements JobHandler {
    @Override
    public void perform(JobContext ctx, List<Object> args) {}
  }

  private static void perform(HandlerRegistry registry, Job job) throws Exception {
    registry.perform(JobContext.of(job, pushed -> {}));
  }
}
