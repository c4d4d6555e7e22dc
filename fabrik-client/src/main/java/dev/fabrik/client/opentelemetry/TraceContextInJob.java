package dev.fabrik.client.opentelemetry;

import dev.fabrik.protocol.Job;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The W3C trace context in a job's {@code custom}:
 *
 * <pre>
 * "custom":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
 *           "tracestate":"vendor=value"}
 * </pre>
 */
final class TraceContextInJob {
  static final String TRACEPARENT = "traceparent";
  static final String TRACESTATE = "tracestate";

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  private TraceContextInJob() {}

  /** {@code job} with the current context's keys added to its custom (unchanged if none). */
  static Job inject(Job job) {
    ObjectNode existing = job.custom();
    if (existing != null && existing.has(TRACEPARENT)) {
      return job; // the producer set it deliberately
    }
    Map<String, String> carrier = new HashMap<>(2);
    W3C.inject(Context.current(), carrier, Map::put);
    String parent = carrier.get(TRACEPARENT);
    if (parent == null) {
      return job;
    }
    ObjectNode custom =
        existing == null ? JsonNodeFactory.instance.objectNode() : existing.deepCopy();
    custom.put(TRACEPARENT, parent);
    String state = carrier.get(TRACESTATE);
    if (state != null && !state.isEmpty()) {
      custom.put(TRACESTATE, state);
    }
    return new Job(
        job.jid(),
        job.jobtype(),
        job.args(),
        job.queue(),
        job.retry(),
        job.reserveFor(),
        job.at(),
        job.createdAt(),
        job.enqueuedAt(),
        job.backtrace(),
        custom,
        job.failure(),
        job.extra());
  }

  /** The context the job's custom carries, on top of the root context (none: the root). */
  static Context extract(Job job) {
    ObjectNode custom = job.custom();
    if (custom == null || !custom.has(TRACEPARENT)) {
      return Context.root();
    }
    return W3C.extract(Context.root(), custom, CUSTOM);
  }

  private static final TextMapGetter<ObjectNode> CUSTOM =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(ObjectNode carrier) {
          return List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(ObjectNode carrier, String key) {
          JsonNode v = carrier == null ? null : carrier.get(key);
          return v != null && v.isString() ? v.stringValue() : null;
        }
      };
}
