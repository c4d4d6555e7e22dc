package dev.fabrik.server.manager;

import java.time.Duration;

/** The manager's knobs, taken from the server config. */
public record ManagerSettings(
    Duration fetchWait, Duration deadTtl, long deadMaxSize, int maxJobBytes) {}
