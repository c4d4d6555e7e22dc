package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.micrometer.MicrometerJobMetrics;
import dev.fabrik.client.opentelemetry.FabrikTracing;
import dev.fabrik.client.worker.WorkerManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The Java worker with Micrometer and OpenTelemetry against a real server: a trace continues from a
 * Java push, and from a Node push carrying a hand-made traceparent, into the handler's consumer
 * span; the meters count what ran.
 */
class WorkerTelemetryIT {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  private final FabrikTracing tracing = FabrikTracing.create(otel);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private InProcessServer server;
  private WorkerManager worker;

  @BeforeEach
  void start() {
    server = InProcessServer.memory();
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.stop(Duration.ZERO);
    }
    server.close();
    otel.close();
  }

  private ClientConfig config() {
    return ClientConfig.builder().url(server.url()).pushHook(tracing.pushHook()).build();
  }

  private void startWorker(String queue, String jobtype) {
    worker =
        WorkerManager.builder(config())
            .concurrency(2)
            .queues(queue)
            .use(tracing.middleware())
            .listener(new MicrometerJobMetrics(meters))
            .register(jobtype, (ctx, args) -> {})
            .build();
    worker.start();
  }

  private SpanData consumerSpan() {
    List<SpanData> consumers =
        await()
            .atMost(10, TimeUnit.SECONDS)
            .until(
                () ->
                    spans.getFinishedSpanItems().stream()
                        .filter(s -> s.getKind() == SpanKind.CONSUMER)
                        .toList(),
                l -> !l.isEmpty());
    assertThat(consumers).hasSize(1);
    return consumers.get(0);
  }

  @Test
  void aJavaPushIsContinuedByTheWorkerAndCounted() {
    startWorker("signup", "Welcome");
    Span request = otel.getTracer("app").spanBuilder("POST /signup").startSpan();
    String jid;
    try (Scope ignored = request.makeCurrent();
        Client client = Client.connect(config())) {
      jid = Jobs.builder("Welcome").queue("signup").build().jid();
      client.push(Jobs.builder("Welcome").queue("signup").jid(jid).build());
    } finally {
      request.end();
    }

    SpanData consumer = consumerSpan();
    assertThat(consumer.getName()).isEqualTo("process signup");
    assertThat(consumer.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    assertThat(consumer.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(consumer.getAttributes().get(AttributeKey.stringKey("messaging.message.id")))
        .isEqualTo(jid);
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () ->
                meters.find("fabrik.jobs.succeeded").tags("jobtype", "Welcome").counter() != null
                    && meters.get("fabrik.jobs.succeeded").counter().count() == 1);
    assertThat(meters.get("fabrik.jobs.started").tags("queue", "signup").counter().count())
        .isEqualTo(1);
    assertThat(meters.get("fabrik.job.duration").tag("outcome", "succeeded").timer().count())
        .isEqualTo(1);
    assertThat(meters.get("fabrik.fetch.duration").tag("found", "true").timer().count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aNodePushWithAHandMadeTraceparentIsContinued() {
    startWorker("traced", "Traced");
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parentId = "00f067aa0ba902b7";
    JsonNode ok =
        NodeScript.run(
            "push-traceparent.js",
            server.url(),
            Duration.ofSeconds(30),
            "00-" + traceId + "-" + parentId + "-01",
            "congo=t61rcWkgMzE");

    SpanData consumer = consumerSpan();
    assertThat(consumer.getTraceId()).isEqualTo(traceId);
    assertThat(consumer.getParentSpanId()).isEqualTo(parentId);
    assertThat(consumer.getParentSpanContext().isRemote()).isTrue();
    assertThat(consumer.getSpanContext().getTraceState().get("congo")).isEqualTo("t61rcWkgMzE");
    assertThat(consumer.getAttributes().get(AttributeKey.stringKey("messaging.message.id")))
        .isEqualTo(ok.path("jid").asString());
    assertThat(consumer.getAttributes().get(AttributeKey.stringKey("messaging.system")))
        .isEqualTo("faktory");
  }
}
