package dev.fabrik.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.JobCodec;
import org.junit.jupiter.api.Test;

class JobBuilderPriorityTest {

  @Test
  void thePriorityIsTheTopLevelFieldOfTheWireForm() {
    String json = JobCodec.encodeToString(Jobs.builder("T").jid("abcdefgh").priority(8).build());
    assertThat(json).endsWith(",\"priority\":8}");
  }

  @Test
  void unsetItIsLeftOutForTheServersDefault() {
    String json = JobCodec.encodeToString(Jobs.builder("T").jid("abcdefgh").build());
    assertThat(json).doesNotContain("priority");
  }

  @Test
  void onlyOneToNineIsAccepted() {
    assertThat(Jobs.builder("T").priority(1).build().extra().get("priority").asInt()).isEqualTo(1);
    assertThat(Jobs.builder("T").priority(9).build().extra().get("priority").asInt()).isEqualTo(9);
    assertThatThrownBy(() -> Jobs.builder("T").priority(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("priority must be 1..9, not 0");
    assertThatThrownBy(() -> Jobs.builder("T").priority(10))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
