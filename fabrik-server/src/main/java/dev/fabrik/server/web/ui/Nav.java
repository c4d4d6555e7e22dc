package dev.fabrik.server.web.ui;

/** The pages in the navigation bar, in order; every page shows them all. */
public enum Nav {
  DASHBOARD("Dashboard", "/"),
  QUEUES("Queues", "/queues"),
  BUSY("Busy", "/busy"),
  RETRIES("Retries", "/retries"),
  SCHEDULED("Scheduled", "/scheduled"),
  DEAD("Dead", "/dead"),
  JOB_TYPES("Job types", "/jobtypes"),
  FAILURES("Failures", "/failures"),
  CRON("Cron", "/cron"),
  BATCHES("Batches", "/batches"),
  WORKFLOWS("Workflows", "/workflows"),
  LIMITS("Limits", "/limits");

  private final String label;
  private final String path;

  Nav(String label, String path) {
    this.label = label;
    this.path = path;
  }

  /** The link text. */
  public String label() {
    return label;
  }

  /** The page's path. */
  public String path() {
    return path;
  }
}
