package dev.fabrik.server.limits;

/**
 * The idle gaps of one concurrency limit measured in the server so far ({@code
 * fabrik_limit_idle_gap_seconds}): how many, their sum and the longest, and how many fell in each
 * bucket (the i-th counts gaps above bucket i-1's bound, up to {@code upperBounds[i]}).
 */
public record IdleGapSummary(
    long count, double sumSeconds, double maxSeconds, double[] upperBounds, long[] counts) {}
