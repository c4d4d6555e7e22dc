package dev.fabrik.spring;

import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.ClientPool;
import dev.fabrik.client.worker.HandlerRegistry;
import dev.fabrik.client.worker.WorkerManager;
import dev.fabrik.protocol.JobCodec;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link ClientPool} for producers and, unless {@code fabrik.worker.enabled=false}, a {@link
 * WorkerManager} performing the application's {@link FabrikJob} handlers, started and stopped with
 * the context. Runs after Spring's Jackson auto-configuration so handlers bind their arguments with
 * the application's {@link JsonMapper}; without one, with Fabrik's own mapper.
 */
@AutoConfiguration(
    afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnBooleanProperty(name = "fabrik.enabled", matchIfMissing = true)
@EnableConfigurationProperties(FabrikProperties.class)
public class FabrikAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ClientConfig fabrikClientConfig(FabrikProperties properties) {
    return properties.toClientConfig(System.getenv());
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  ClientPool fabrikClientPool(ClientConfig config, FabrikProperties properties) {
    FabrikProperties.Pool pool = properties.getPool();
    return ClientPool.create(config, pool.getSize(), pool.getBorrowTimeout());
  }

  /** The worker side; absent in producer-only applications. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "fabrik.worker.enabled", matchIfMissing = true)
  static class WorkerConfiguration {

    @Bean
    @ConditionalOnMissingBean
    HandlerRegistry fabrikHandlerRegistry(ObjectProvider<JsonMapper> jsonMapper) {
      return HandlerRegistry.create(jsonMapper.getIfAvailable(() -> JobCodec.MAPPER));
    }

    @Bean
    FabrikJobRegistrar fabrikJobRegistrar(
        ConfigurableListableBeanFactory beans,
        HandlerRegistry registry,
        ObjectProvider<JsonMapper> jsonMapper) {
      ObjectMapper mapper = jsonMapper.getIfAvailable(() -> JobCodec.MAPPER);
      return new FabrikJobRegistrar(beans, registry, mapper);
    }

    @Bean
    @ConditionalOnMissingBean
    WorkerStatus fabrikWorkerStatus() {
      return new WorkerStatus();
    }

    @Bean
    @ConditionalOnMissingBean
    WorkerManager fabrikWorkerManager(
        ClientConfig config,
        ClientPool pool,
        HandlerRegistry registry,
        WorkerStatus status,
        FabrikProperties properties,
        ObjectProvider<WorkerManagerCustomizer> customizers) {
      FabrikProperties.Worker w = properties.getWorker();
      WorkerManager.Builder builder =
          WorkerManager.builder(config.toBuilder().labels(w.getLabels()).build())
              .handlers(registry)
              .pushPool(pool)
              .concurrency(w.getConcurrency())
              .queues(w.toQueues())
              .shutdownGrace(w.getShutdownGrace())
              .heartbeatInterval(w.getHeartbeatInterval())
              // Spring's own shutdown hook closes the context, which stops the worker.
              .shutdownHook(false);
      status.track(builder);
      customizers.orderedStream().forEach(c -> c.customize(builder));
      return builder.build();
    }

    @Bean
    FabrikWorkerLifecycle fabrikWorkerLifecycle(WorkerManager worker, FabrikProperties properties) {
      FabrikProperties.Worker w = properties.getWorker();
      return new FabrikWorkerLifecycle(worker, w.getShutdownGrace(), w.isAutoStartup());
    }
  }
}
