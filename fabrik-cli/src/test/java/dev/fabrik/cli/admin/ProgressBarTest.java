package dev.fabrik.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void drawsTheShareDoneOfAKnownTotal() {
    assertThat(ProgressBar.render("Retry", 500_000, 1_000_000L))
        .isEqualTo("Retry [###############...............]  50% 500,000/1,000,000");
    assertThat(ProgressBar.render("Retry", 12, 10L)).contains("100% 10/10");
    assertThat(ProgressBar.render("counting", 1234, null)).isEqualTo("counting 1,234");
  }

  @Test
  void redrawsInPlaceOnATerminalAndStaysSilentElsewhere() {
    StringWriter tty = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(tty), true, "Kill");
    bar.update(1, 4L);
    bar.update(4, 4L);
    bar.finish();
    assertThat(tty.toString()).startsWith("\rKill [").contains("\rKill [####").endsWith("\n");

    StringWriter log = new StringWriter();
    ProgressBar quiet = new ProgressBar(new PrintWriter(log), false, "Kill");
    quiet.update(1, 4L);
    quiet.finish();
    assertThat(log.toString()).isEmpty();
  }
}
