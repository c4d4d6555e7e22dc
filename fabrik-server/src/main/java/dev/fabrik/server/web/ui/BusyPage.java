package dev.fabrik.server.web.ui;

import dev.fabrik.server.cluster.NodeRegistry;
import dev.fabrik.server.web.console.BusyReport;
import java.time.Instant;
import java.util.List;

/**
 * Worker processes and jobs in progress, as of {@code now}; {@code jobLimit} is how many jobs the
 * page lists, also when its Live toggle refreshes it from {@code /api/busy}. {@code nodes}: the
 * server nodes sharing the store, listed when there are several.
 */
public record BusyPage(
    Chrome chrome,
    BusyReport busy,
    Instant now,
    int jobLimit,
    List<NodeRegistry.NodeStatus> nodes) {}
