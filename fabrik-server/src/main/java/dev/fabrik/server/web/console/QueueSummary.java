package dev.fabrik.server.web.console;

/**
 * One queue as the dashboard and Queues page list it.
 *
 * @param latencySeconds seconds since the job at the head was enqueued (0 when empty)
 */
public record QueueSummary(String name, long size, double latencySeconds, boolean paused) {}
