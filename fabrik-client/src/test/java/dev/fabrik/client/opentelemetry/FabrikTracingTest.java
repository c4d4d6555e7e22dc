package dev.fabrik.client.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.client.Jobs;
import dev.fabrik.client.testing.InlineResult;
import dev.fabrik.client.testing.InlineRunner;
import dev.fabrik.client.worker.HandlerRegistry;
import dev.fabrik.client.worker.SnoozeException;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FabrikTracingTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  private final FabrikTracing tracing = FabrikTracing.create(otel);
  private final Tracer app = otel.getTracer("app");

  @AfterEach
  void close() {
    otel.close();
  }

  private SpanData only(String name) {
    List<SpanData> found =
        spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  @Test
  void theHandlerRunsInAConsumerSpanContinuingThePushersTrace() {
    Job pushed;
    Span request = app.spanBuilder("POST /signup").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      pushed = tracing.pushHook().beforePush(Jobs.builder("SendEmail").queue("mail").build());
    } finally {
      request.end();
    }
    assertThat(pushed.custom().get("traceparent").stringValue())
        .startsWith(
            "00-"
                + request.getSpanContext().getTraceId()
                + "-"
                + request.getSpanContext().getSpanId()
                + "-");
    // What the server hands back is the JSON: go through it, as a worker would.
    Job fetched = JobCodec.decode(JobCodec.encode(pushed));

    HandlerRegistry registry =
        HandlerRegistry.create()
            .use(tracing.middleware())
            .register(
                "SendEmail",
                (ctx, args) -> {
                  app.spanBuilder("smtp").startSpan().end();
                  ctx.push(Jobs.of("Audit"));
                });
    InlineResult result = InlineRunner.of(registry).run(fetched);
    assertThat(result.succeeded()).isTrue();

    SpanData consumer = only("process mail");
    assertThat(consumer.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(consumer.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    assertThat(consumer.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(consumer.getParentSpanContext().isRemote()).isTrue();
    assertThat(consumer.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    var a = consumer.getAttributes();
    assertThat(a.get(AttributeKey.stringKey("messaging.system"))).isEqualTo("faktory");
    assertThat(a.get(AttributeKey.stringKey("messaging.destination.name"))).isEqualTo("mail");
    assertThat(a.get(AttributeKey.stringKey("messaging.message.id"))).isEqualTo(pushed.jid());
    assertThat(a.get(AttributeKey.stringKey("messaging.operation.type"))).isEqualTo("process");
    assertThat(a.get(AttributeKey.stringKey("messaging.faktory.job.type"))).isEqualTo("SendEmail");
    assertThat(a.get(AttributeKey.longKey("messaging.faktory.retry_count"))).isZero();
    // The handler's own spans are children of the consumer span.
    assertThat(only("smtp").getParentSpanId()).isEqualTo(consumer.getSpanId());
    // A follow-up job pushed through the hook would carry the consumer span as its parent.
    assertThat(result.pushed()).hasSize(1);
  }

  @Test
  void failuresSetTheErrorStatusAndSnoozesDoNot() {
    Job failed =
        JobCodec.decode(
            "{\"jid\":\"abcdefgh\",\"jobtype\":\"Boom\",\"queue\":\"default\","
                + "\"failure\":{\"retry_count\":2}}");
    Job snoozed = JobCodec.decode("{\"jid\":\"ijklmnop\",\"jobtype\":\"Nap\",\"queue\":\"slow\"}");
    HandlerRegistry registry =
        HandlerRegistry.create()
            .use(tracing.middleware())
            .register(
                "Boom",
                (ctx, args) -> {
                  throw new IllegalStateException("no");
                })
            .register("Nap", (ctx, args) -> ctx.snooze(Duration.ofMinutes(1)));
    assertThat(InlineRunner.of(registry).run(failed).error())
        .isInstanceOf(IllegalStateException.class);
    assertThat(InlineRunner.of(registry).run(snoozed).error()).isInstanceOf(SnoozeException.class);

    SpanData boom = only("process default");
    assertThat(boom.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(boom.getEvents()).extracting(e -> e.getName()).contains("exception");
    assertThat(boom.getAttributes().get(AttributeKey.longKey("messaging.faktory.retry_count")))
        .isEqualTo(3);
    // Without a traceparent the run starts a trace of its own.
    assertThat(boom.getParentSpanContext().isValid()).isFalse();
    SpanData nap = only("process slow");
    assertThat(nap.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(nap.getEvents()).extracting(e -> e.getName()).containsExactly("snoozed");
  }

  @Test
  void pushOutsideASpanOrWithATraceparentAlreadySetLeavesTheJobAlone() {
    Job plain = Jobs.of("T");
    assertThat(tracing.pushHook().beforePush(plain)).isSameAs(plain);
    Job handMade =
        JobCodec.decode(
            "{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"custom\":{\"traceparent\":"
                + "\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}}");
    Span s = app.spanBuilder("outer").startSpan();
    try (Scope ignored = s.makeCurrent()) {
      assertThat(tracing.pushHook().beforePush(handMade)).isSameAs(handMade);
    } finally {
      s.end();
    }
  }
}
