package dev.fabrik.client.opentelemetry;

import dev.fabrik.client.worker.JobContext;
import dev.fabrik.client.worker.Middleware;
import dev.fabrik.client.worker.SnoozeException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * The worker side of {@link FabrikTracing}: one {@code CONSUMER} span per job run, with the
 * messaging semantic conventions' attributes:
 *
 * <pre>
 * process default   kind=CONSUMER  parent=custom.traceparent
 *   messaging.system=faktory  messaging.operation.type=process  messaging.operation.name=process
 *   messaging.destination.name=default  messaging.message.id=&lt;jid&gt;
 *   messaging.faktory.job.type=SendEmail  messaging.faktory.retry_count=2
 * </pre>
 */
final class ConsumerSpans implements Middleware {
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<String> JOB_TYPE = AttributeKey.stringKey("messaging.faktory.job.type");
  static final AttributeKey<Long> RETRY_COUNT =
      AttributeKey.longKey("messaging.faktory.retry_count");
  static final AttributeKey<Long> SNOOZE_SECONDS =
      AttributeKey.longKey("messaging.faktory.snooze_seconds");

  private final Tracer tracer;

  ConsumerSpans(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public void around(JobContext ctx, Next next) throws Exception {
    String queue = ctx.queue() == null ? "default" : ctx.queue();
    Span span =
        tracer
            .spanBuilder("process " + queue)
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(TraceContextInJob.extract(ctx.job()))
            .setAttribute(SYSTEM, "faktory")
            .setAttribute(OPERATION_TYPE, "process")
            .setAttribute(OPERATION_NAME, "process")
            .setAttribute(DESTINATION, queue)
            .setAttribute(MESSAGE_ID, ctx.jid())
            .setAttribute(JOB_TYPE, String.valueOf(ctx.type()))
            .setAttribute(RETRY_COUNT, (long) ctx.retryCount())
            .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      next.proceed();
    } catch (SnoozeException snooze) {
      // Not an error: the job asked to run later.
      span.addEvent("snoozed", Attributes.of(SNOOZE_SECONDS, snooze.delay().toSeconds()));
      throw snooze;
    } catch (Exception | Error e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.getClass().getName());
      throw e;
    } finally {
      span.end();
    }
  }
}
