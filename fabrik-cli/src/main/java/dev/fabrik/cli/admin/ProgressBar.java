package dev.fabrik.cli.admin;

import java.io.PrintWriter;

/**
 * A one-line progress bar redrawn with {@code \r} on a terminal: {@code [#########.........] 48%
 * 480,000/1,000,000}. Off a terminal (a script, a log) it prints nothing; the caller prints the
 * outcome anyway.
 */
final class ProgressBar {
  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final boolean terminal;
  private final String label;
  private boolean drawn;

  ProgressBar(PrintWriter out, boolean terminal, String label) {
    this.out = out;
    this.terminal = terminal;
    this.label = label;
  }

  /** True when standard error is a terminal (a person watching). */
  static boolean onTerminal() {
    java.io.Console c = System.console();
    return c != null && c.isTerminal();
  }

  /** Redraws for {@code done} of {@code total} (null: unknown, shows the count only). */
  void update(long done, Long total) {
    if (!terminal) {
      return;
    }
    out.print('\r');
    out.print(render(label, done, total));
    out.flush();
    drawn = true;
  }

  /** Ends the bar's line. */
  void finish() {
    if (drawn) {
      out.println();
      out.flush();
    }
  }

  static String render(String label, long done, Long total) {
    if (total == null || total <= 0) {
      return String.format("%s %,d", label, done);
    }
    long shown = Math.min(done, total);
    int filled = (int) (WIDTH * shown / total);
    return String.format(
        "%s [%s%s] %3d%% %,d/%,d",
        label, "#".repeat(filled), ".".repeat(WIDTH - filled), 100 * shown / total, shown, total);
  }
}
