package dev.fabrik.server.web.ui;

import dev.fabrik.server.cron.CronService;
import java.time.Instant;
import java.util.List;

/** Every cron entry with its state, and the conf.d entries that were refused. */
public record CronPage(
    Chrome chrome, List<CronService.View> entries, List<String> errors, Instant now) {}
