package dev.fabrik.server.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.CommandException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnoozesTest {

  @Test
  void messageFormWithUnitsAndAnyCase() {
    assertThat(Snoozes.fromMessage("snooze 30")).contains(Duration.ofSeconds(30));
    assertThat(Snoozes.fromMessage("  SNOOZE 30s ")).contains(Duration.ofSeconds(30));
    assertThat(Snoozes.fromMessage("Snooze 5m")).contains(Duration.ofMinutes(5));
    assertThat(Snoozes.fromMessage("snooze 2 H")).contains(Duration.ofHours(2));
    assertThat(Snoozes.fromMessage("snooze 8760h")).contains(Duration.ofDays(365));
  }

  @Test
  void anythingElseInTheMessageIsAnOrdinaryFailure() {
    for (String message :
        List.of(
            "",
            "snooze",
            "snooze 0",
            "snooze -5",
            "snooze 1.5",
            "snooze 10d",
            "snooze 8761h",
            "snooze 999999999999m",
            "snooze 30 please",
            "please snooze 30",
            "NoMethodError")) {
      assertThat(Snoozes.fromMessage(message)).as(message).isEmpty();
    }
    assertThat(Snoozes.fromMessage(null)).isEmpty();
  }

  @Test
  void theFieldWinsOverTheMessageAndIsCheckedStrictly() {
    assertThat(Snoozes.requested(new FailureReport("j", "E", "snooze 5", List.of(), 1.5)))
        .contains(Duration.ofMillis(1500));
    assertThat(Snoozes.requested(new FailureReport("j", "E", "boom", List.of()))).isEmpty();
    for (double bad : new double[] {0, -1, Double.NaN, 365 * 86400 + 1}) {
      assertThatThrownBy(() -> Snoozes.fromField(bad))
          .isInstanceOf(CommandException.class)
          .hasMessage("snooze must be a number of seconds above 0 and at most 31536000");
    }
  }

  @Test
  void countsSnoozesInCustomAndKeepsTheRest() {
    byte[] first =
        Snoozes.counted(
            bytes(
                "{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[1],\"retry\":3,"
                    + "\"custom\":{\"tenant\":\"x\"},\"failure\":{\"retry_count\":1,"
                    + "\"remaining\":2,\"message\":\"m\"},\"priority\":7}"));
    Job once = JobCodec.decode(first);
    assertThat(once.custom().get("snoozes").intValue()).isEqualTo(1);
    assertThat(once.custom().get("tenant").stringValue()).isEqualTo("x");
    assertThat(once.failure().retryCount()).isEqualTo(1);
    assertThat(once.retry()).isEqualTo(3);
    assertThat(once.extra()).containsKey("priority");
    Job twice = JobCodec.decode(Snoozes.counted(first));
    assertThat(twice.custom().get("snoozes").intValue()).isEqualTo(2);

    Job fresh = JobCodec.decode(Snoozes.counted(bytes("{\"jid\":\"a\",\"jobtype\":\"T\"}")));
    assertThat(fresh.custom().get("snoozes").intValue()).isEqualTo(1);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
