package dev.fabrik.spring.app;

import dev.fabrik.spring.WorkerManagerCustomizer;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * A small Spring Boot application using the starter as users would: a controller that enqueues,
 * handler beans, auto-configuration for the rest. No component scan, so other test configurations
 * in this module stay out.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({SignupController.class, SignupJobs.class})
public class ShopApplication {
  /** Counted down when the worker stops fetching: stopping has begun. */
  public final CountDownLatch workerQuiet = new CountDownLatch(1);

  @Bean
  WorkerManagerCustomizer signalQuiet() {
    return builder -> builder.onQuiet(workerQuiet::countDown);
  }
}
