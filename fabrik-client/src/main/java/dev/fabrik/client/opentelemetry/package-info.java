/**
 * OpenTelemetry tracing across the queue ({@link dev.fabrik.client.opentelemetry.FabrikTracing}).
 * Optional: only code that uses this package needs {@code io.opentelemetry:opentelemetry-api}.
 */
package dev.fabrik.client.opentelemetry;
