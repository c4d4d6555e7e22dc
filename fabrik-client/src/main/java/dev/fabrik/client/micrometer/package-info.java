/**
 * Micrometer meters for the worker framework ({@link
 * dev.fabrik.client.micrometer.MicrometerJobMetrics}). Optional: only code that uses this package
 * needs {@code io.micrometer:micrometer-core}.
 */
package dev.fabrik.client.micrometer;
