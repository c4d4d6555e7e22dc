package dev.fabrik.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler for one job type.
 *
 * <p>On a bean method, each parameter takes the job argument at its position, bound with the
 * application's Jackson {@code JsonMapper} to the parameter's (generic) type; a parameter of type
 * {@link dev.fabrik.client.worker.JobContext} takes the context instead and counts no position:
 *
 * <pre>{@code
 * @FabrikJob("SendEmail")
 * void send(Email email, JobContext ctx) { ... }   // PUSH {"jobtype":"SendEmail","args":[{...}]}
 * }</pre>
 *
 * <p>On a bean (class or {@code @Bean} method) implementing {@link
 * dev.fabrik.client.worker.JobHandler} or {@link dev.fabrik.client.worker.JsonJobHandler}, it names
 * the job type that bean performs. Returning normally ACKs the job; throwing FAILs it.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface FabrikJob {
  /** The job type ({@code jobtype} on the wire). */
  String value();
}
