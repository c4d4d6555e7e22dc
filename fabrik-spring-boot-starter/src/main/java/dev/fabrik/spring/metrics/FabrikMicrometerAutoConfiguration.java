package dev.fabrik.spring.metrics;

import dev.fabrik.client.micrometer.MicrometerJobMetrics;
import dev.fabrik.spring.FabrikAutoConfiguration;
import dev.fabrik.spring.WorkerManagerCustomizer;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * The worker's job meters ({@code fabrik.jobs.*}, {@code fabrik.job.duration}, see {@link
 * MicrometerJobMetrics}) in the application's {@link MeterRegistry}, when the application has
 * Micrometer. Off with {@code fabrik.worker.metrics.enabled=false}.
 *
 * <p>A customizer rather than a bean conditional on the registry: the registry is looked up when
 * the worker is built, so the order in which Boot's own metrics auto-configuration runs does not
 * matter, and an application without a registry bean simply gets no meters.
 */
@AutoConfiguration(before = FabrikAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, MicrometerJobMetrics.class})
@ConditionalOnBooleanProperty(name = "fabrik.worker.metrics.enabled", matchIfMissing = true)
public class FabrikMicrometerAutoConfiguration {

  @Bean
  WorkerManagerCustomizer fabrikMicrometerJobMetrics(ObjectProvider<MeterRegistry> registry) {
    return builder -> registry.ifAvailable(r -> builder.listener(new MicrometerJobMetrics(r)));
  }
}
