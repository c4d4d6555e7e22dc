package dev.fabrik.server.priority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.CommandException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PriorityFieldTest {

  private static Job job(String priorityJson) {
    return JobCodec.decode(
        "{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"priority\":" + priorityJson + "}");
  }

  @Test
  void aValidPriorityKeepsTheJobAsSent() {
    Job sent = job("7");
    assertThat(PriorityField.check(sent)).isSameAs(sent);
    assertThat(PriorityField.of(sent)).isEqualTo(7);
  }

  @Test
  void noPriorityMeansFiveAndAddsNothing() {
    Job sent = JobCodec.decode("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[]}");
    assertThat(PriorityField.check(sent)).isSameAs(sent);
    assertThat(PriorityField.of(sent)).isEqualTo(5);
    assertThat(PriorityField.of(job("null"))).isEqualTo(5);
  }

  @ParameterizedTest
  @CsvSource({"0, 1", "-4, 1", "10, 9", "99999999999, 9", "1e3, 9", "7.0, 7", "-1e40, 1"})
  void outOfRangeOrWholeFloatIntegersAreClamped(String sent, int stored) {
    Job checked = PriorityField.check(job(sent));
    assertThat(PriorityField.of(checked)).isEqualTo(stored);
    // The payload the store keeps says the same as the level it is filed under.
    assertThat(new String(JobCodec.encode(checked))).contains("\"priority\":" + stored + "}");
    assertThat(Priority.ofPayload(JobCodec.encode(checked))).isEqualTo(stored);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"high\"", "\"5\"", "7.5", "true", "[5]", "{\"level\":5}"})
  void aPriorityThatIsNotAnIntegerIsRefused(String sent) {
    assertThatThrownBy(() -> PriorityField.check(job(sent)))
        .isInstanceOf(CommandException.class)
        .hasMessageStartingWith("invalid priority ")
        .hasMessageEndingWith(": it must be an integer from 1 to 9")
        .extracting(e -> ((CommandException) e).code())
        .isEqualTo("ERR");
  }
}
