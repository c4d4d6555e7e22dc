package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.console.Overview;

/**
 * The dashboard's model: the overview at render time (the page's script keeps it current) and the
 * store it runs on, and the history graph of the chosen range (null when the server keeps no
 * history).
 */
public record DashboardPage(
    Chrome chrome, Overview overview, StorageSummary storage, HistoryChart history) {}
