package dev.fabrik.server.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.OptionKeys;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WorkflowOptionTest {
  private static Job job(String custom) {
    return JobCodec.decode(
        "{\"jid\":\"job-000001\",\"jobtype\":\"T\",\"args\":[]"
            + (custom == null ? "" : ",\"custom\":" + custom)
            + "}");
  }

  @Test
  void readsTheDependenciesWithoutDuplicates() {
    assertThat(WorkflowOption.of(job(null))).isNull();
    assertThat(WorkflowOption.of(job("{\"track\":1}"))).isNull();
    assertThat(WorkflowOption.of(job("{\"after\":[]}")).after()).isEmpty();
    assertThat(WorkflowOption.of(job("{\"after\":[\"b\",\"a\",\"b\"]}")).after())
        .containsExactly("b", "a");
  }

  @Test
  void refusesWhatIsNotAListOfOtherJids() {
    for (String bad :
        new String[] {
          "{\"after\":\"a\"}", "{\"after\":[1]}", "{\"after\":[\"\"]}", "{\"after\":null}"
        }) {
      assertThatThrownBy(() -> WorkflowOption.of(job(bad)))
          .as(bad)
          .isInstanceOf(CommandException.class)
          .hasMessageContaining("custom.after must be an array");
    }
    assertThatThrownBy(() -> WorkflowOption.of(job("{\"after\":[\"job-000001\"]}")))
        .hasMessageContaining("may not name itself");
    assertThatThrownBy(() -> WorkflowOption.of(job("{\"after\":[],\"unique_for\":60}")))
        .hasMessageContaining("may not be combined");
  }

  @Test
  void theByteProbeFindsTheKey() {
    assertThat(
            WorkflowOption.mayBeIn(
                OptionKeys.of("{\"custom\":{\"after\":[]}}".getBytes(StandardCharsets.UTF_8))))
        .isTrue();
    assertThat(
            WorkflowOption.mayBeIn(
                OptionKeys.of("{\"jid\":\"x\"}".getBytes(StandardCharsets.UTF_8))))
        .isFalse();
  }
}
