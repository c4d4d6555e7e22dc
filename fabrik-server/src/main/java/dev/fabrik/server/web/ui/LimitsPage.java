package dev.fabrik.server.web.ui;

import dev.fabrik.server.limits.Limits;
import java.util.List;

/** Every concurrency and rate limit in force with its usage now. */
public record LimitsPage(Chrome chrome, List<Limits.Usage> limits) {}
