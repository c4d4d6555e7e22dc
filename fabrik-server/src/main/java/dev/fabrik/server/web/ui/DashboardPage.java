package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.console.Overview;

/**
 * The dashboard's model: the overview at render time (the page's script keeps it current) and the
 * history graph of the chosen range (null when the server keeps no history).
 */
public record DashboardPage(Chrome chrome, Overview overview, HistoryChart history) {

  public DashboardPage(Chrome chrome, Overview overview) {
    this(chrome, overview, null);
  }
}
