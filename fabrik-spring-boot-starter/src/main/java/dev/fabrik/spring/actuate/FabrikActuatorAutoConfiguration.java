package dev.fabrik.spring.actuate;

import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.ClientPool;
import dev.fabrik.client.worker.HandlerRegistry;
import dev.fabrik.client.worker.WorkerManager;
import dev.fabrik.spring.FabrikAutoConfiguration;
import dev.fabrik.spring.FabrikProperties;
import dev.fabrik.spring.WorkerStatus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator support, on only when the application has Actuator: the {@code fabrik} health indicator
 * ({@code management.health.fabrik.enabled}) and info contributor ({@code
 * management.info.fabrik.enabled}).
 */
@AutoConfiguration(after = FabrikAutoConfiguration.class)
@ConditionalOnBean(ClientPool.class)
public class FabrikActuatorAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "fabrikHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("fabrik")
    FabrikHealthIndicator fabrikHealthIndicator(
        ClientPool pool,
        ObjectProvider<WorkerManager> worker,
        ObjectProvider<WorkerStatus> status) {
      return new FabrikHealthIndicator(pool, worker.getIfAvailable(), status.getIfAvailable());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(InfoContributor.class)
  static class Info {
    @Bean
    @ConditionalOnMissingBean(name = "fabrikInfoContributor")
    @ConditionalOnEnabledInfoContributor("fabrik")
    FabrikInfoContributor fabrikInfoContributor(
        ClientConfig config,
        FabrikProperties properties,
        ObjectProvider<WorkerManager> worker,
        ObjectProvider<WorkerStatus> status,
        ObjectProvider<HandlerRegistry> handlers) {
      return new FabrikInfoContributor(
          config,
          properties,
          worker.getIfAvailable(),
          status.getIfAvailable(),
          handlers.getIfAvailable());
    }
  }
}
