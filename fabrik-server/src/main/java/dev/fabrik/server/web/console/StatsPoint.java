package dev.fabrik.server.web.console;

import java.time.Instant;

/**
 * One second of the live graph: totals sampled at {@code at} and the rates since the sample before
 * (per second; 0 after a flush resets the totals).
 */
public record StatsPoint(
    Instant at, long processed, long failed, double processedPerSecond, double failedPerSecond) {}
