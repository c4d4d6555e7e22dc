package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.console.QueueSummary;
import java.util.List;

/** Every queue with its size, latency and pause state. */
public record QueuesPage(Chrome chrome, List<QueueSummary> queues) {}
