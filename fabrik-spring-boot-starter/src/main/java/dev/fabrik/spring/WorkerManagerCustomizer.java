package dev.fabrik.spring;

import dev.fabrik.client.worker.WorkerManager;

/**
 * A bean of this type adjusts the auto-configured worker before it is built: middleware, a thread
 * factory (virtual threads on Java 21+), lifecycle callbacks, handlers registered in code.
 *
 * <pre>{@code
 * @Bean
 * WorkerManagerCustomizer virtualThreads() {
 *   return b -> b.threadFactory(Thread.ofVirtual().name("job-", 0).factory());
 * }
 * }</pre>
 */
@FunctionalInterface
public interface WorkerManagerCustomizer {
  void customize(WorkerManager.Builder builder);
}
