package dev.fabrik.server.history;

/** One job type's counts and run times over a window (a row of the Job types page). */
public record JobTypeStats(String jobtype, Tally tally) {}
