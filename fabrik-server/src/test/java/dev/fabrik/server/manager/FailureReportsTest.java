package dev.fabrik.server.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.CommandException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureReportsTest {

  @Test
  void trimsAndDefaultsToUnknown() {
    var s = FailureReports.sanitize(new FailureReport("abcdefgh", "  ", null, null));
    assertThat(s.errtype()).isEqualTo("unknown");
    assertThat(s.message()).isEqualTo("unknown");
    assertThat(s.backtrace()).isEmpty();
    var t = FailureReports.sanitize(new FailureReport("abcdefgh", " Err \n", "\tboom ", null));
    assertThat(t.errtype()).isEqualTo("Err");
    assertThat(t.message()).isEqualTo("boom");
  }

  @Test
  void capsSizesInUtf8Bytes() {
    String euros = "€".repeat(400); // 1200 bytes
    var s =
        FailureReports.sanitize(
            new FailureReport("abcdefgh", "x".repeat(150), euros, Collections.nCopies(80, "l")));
    assertThat(s.errtype()).hasSize(100);
    assertThat(s.message().getBytes(StandardCharsets.UTF_8).length).isEqualTo(999);
    assertThat(s.backtrace()).hasSize(50);
  }

  @Test
  void nullBacktraceLinesBecomeEmpty() {
    List<String> lines = new ArrayList<>();
    lines.add(null);
    var s = FailureReports.sanitize(new FailureReport("abcdefgh", "E", "m", lines));
    assertThat(s.backtrace()).containsExactly("");
  }

  @Test
  void missingJid() {
    assertThatThrownBy(() -> FailureReports.sanitize(new FailureReport("", "E", "m", null)))
        .isInstanceOf(CommandException.class)
        .hasMessage("missing JID");
    assertThatThrownBy(() -> FailureReports.sanitize(new FailureReport(null, "E", "m", null)))
        .hasMessage("missing JID");
  }
}
