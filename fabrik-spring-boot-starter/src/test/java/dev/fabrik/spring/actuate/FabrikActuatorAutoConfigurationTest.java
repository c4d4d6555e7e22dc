package dev.fabrik.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.spring.FabrikAutoConfiguration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Which Actuator beans exist, and what they say without a reachable server. */
class FabrikActuatorAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  FabrikAutoConfiguration.class, FabrikActuatorAutoConfiguration.class))
          .withPropertyValues(
              "fabrik.worker.auto-startup=false",
              "fabrik.url=tcp://:secret@127.0.0.1:" + closedPort(),
              "fabrik.connect-timeout=2s",
              "fabrik.pool.borrow-timeout=2s",
              "fabrik.worker.queues=critical,default");

  @Test
  void healthIsDownWithTheReasonWhenTheServerIsUnreachable() {
    runner.run(
        ctx -> {
          Health health = ctx.getBean(FabrikHealthIndicator.class).health(true);
          assertThat(health.getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.getDetails()).containsKey("error");
        });
  }

  @Test
  void infoShowsWhereAndWhatWithoutThePassword() {
    runner.run(
        ctx -> {
          Info.Builder builder = new Info.Builder();
          ctx.getBean(FabrikInfoContributor.class).contribute(builder);
          @SuppressWarnings("unchecked")
          Map<String, Object> fabrik = (Map<String, Object>) builder.build().get("fabrik");

          assertThat((String) fabrik.get("server"))
              .startsWith("tcp://127.0.0.1:")
              .endsWith("(password set)")
              .doesNotContain("secret");
          assertThat(fabrik.get("worker"))
              .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
              .containsEntry("state", "new")
              .containsEntry("concurrency", 20)
              .containsEntry("queues", List.of("critical", "default"))
              .containsEntry("jobtypes", List.of());
        });
  }

  @Test
  void producerOnlyHealthReportsNoWorker() {
    runner
        .withPropertyValues("fabrik.worker.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(FabrikHealthIndicator.class);
              Info.Builder builder = new Info.Builder();
              ctx.getBean(FabrikInfoContributor.class).contribute(builder);
              assertThat(((Map<?, ?>) builder.build().get("fabrik")).containsKey("worker"))
                  .isFalse();
            });
  }

  @Test
  void eachCanBeSwitchedOffWithManagementProperties() {
    runner
        .withPropertyValues(
            "management.health.fabrik.enabled=false", "management.info.fabrik.enabled=false")
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(FabrikHealthIndicator.class);
              assertThat(ctx).doesNotHaveBean(FabrikInfoContributor.class);
            });
  }

  @Test
  void nothingWhenFabrikIsDisabled() {
    runner
        .withPropertyValues("fabrik.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(FabrikHealthIndicator.class));
  }

  /** A port nothing listens on: bound, then released. */
  private static int closedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
