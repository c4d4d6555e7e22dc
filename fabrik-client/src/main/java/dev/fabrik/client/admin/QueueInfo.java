package dev.fabrik.client.admin;

/**
 * One queue as {@code GET /api/queues} lists it.
 *
 * @param latencySeconds how long the job at its head has waited
 */
public record QueueInfo(String name, long size, double latencySeconds, boolean paused) {}
