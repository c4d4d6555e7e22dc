package dev.fabrik.server.web.ui;

import dev.fabrik.server.batch.BatchRecord;
import java.util.List;

/** One batch: counts, callback states, and some of its pending and failed members. */
public record BatchPage(
    Chrome chrome, BatchRecord batch, List<String> pending, List<String> failed, int limit) {}
