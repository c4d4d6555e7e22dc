package dev.fabrik.server.priority;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriorityTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"jid\":\"a\",\"priority\":9}                         | 9",
        "{\"priority\":1,\"jid\":\"a\"}                         | 1",
        "{\"jid\":\"a\"}                                        | 5",
        "{\"args\":[{\"priority\":9}],\"custom\":{\"priority\":8}} | 5",
        "{\"args\":[{\"priority\":9}],\"priority\":2}              | 2",
        "{\"priority\":42}                                       | 9",
        "{\"priority\":-3}                                       | 1",
        "{\"priority\":123456789012345678901234567890}           | 9",
        "{\"priority\":\"9\"}                                    | 5",
        "{\"priority\":null}                                     | 5",
        "not json                                                | 5",
        "[1,2]                                                   | 5",
        "{\"jid\":                                               | 5",
      })
  void readsTheTopLevelPriorityOfAStoredPayload(String json, int expected) {
    assertThat(Priority.ofPayload(json.strip().getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(expected);
  }

  @Test
  void clampsIntoOneToNine() {
    assertThat(Priority.clamp(0)).isEqualTo(1);
    assertThat(Priority.clamp(Long.MIN_VALUE)).isEqualTo(1);
    assertThat(Priority.clamp(7)).isEqualTo(7);
    assertThat(Priority.clamp(10)).isEqualTo(9);
    assertThat(Priority.clamp(Long.MAX_VALUE)).isEqualTo(9);
  }
}
