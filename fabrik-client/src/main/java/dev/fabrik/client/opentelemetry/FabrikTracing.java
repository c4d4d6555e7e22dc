package dev.fabrik.client.opentelemetry;

import dev.fabrik.client.PushHook;
import dev.fabrik.client.worker.Middleware;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.util.Objects;

/**
 * Carries a trace across the queue (docs/tracing.md): the producer puts the W3C trace context of
 * its current span into the job's {@code custom}, and the worker performs the job in a {@code
 * CONSUMER} span that continues it.
 *
 * <pre>{@code
 * FabrikTracing tracing = FabrikTracing.create(openTelemetry);
 * ClientConfig config = ClientConfig.fromEnvironment(System.getenv()).toBuilder()
 *     .pushHook(tracing.pushHook())          // every push carries custom.traceparent/tracestate
 *     .build();
 * WorkerManager.builder(config)
 *     .use(tracing.middleware())             // register first: outermost, around everything
 *     ...
 * }</pre>
 *
 * The keys are W3C Trace Context's, whatever propagators the application configured, so a job
 * pushed by a Node, Go or Ruby producer that sets {@code custom.traceparent} is continued too.
 * Needs {@code io.opentelemetry:opentelemetry-api} on the classpath (and an SDK for spans to go
 * anywhere).
 */
public final class FabrikTracing {
  /** The instrumentation scope name spans are created under. */
  public static final String INSTRUMENTATION_NAME = "dev.fabrik.client";

  private final Tracer tracer;

  private FabrikTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  /** Tracing through {@code openTelemetry}'s tracer provider. */
  public static FabrikTracing create(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new FabrikTracing(openTelemetry.getTracer(INSTRUMENTATION_NAME));
  }

  /**
   * Adds the current span's {@code traceparent} (and {@code tracestate}, when not empty) to each
   * pushed job's {@code custom}, unless the job carries one already; without a current span the job
   * is sent unchanged.
   */
  public PushHook pushHook() {
    return TraceContextInJob::inject;
  }

  /**
   * Performs each job in a {@code CONSUMER} span named {@code process <queue>}, a child of the
   * context in its {@code custom} (a new trace when there is none), current while the handler runs
   * (so its own spans and follow-up pushes belong to it); a failure sets the error status.
   */
  public Middleware middleware() {
    return new ConsumerSpans(tracer);
  }
}
