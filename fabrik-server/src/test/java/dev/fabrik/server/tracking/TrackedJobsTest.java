package dev.fabrik.server.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TrackedJobsTest {

  private static boolean tracked(String payload) {
    return TrackedJobs.tracked(payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void customTrackOneTrueOrQuotedOneIsTracked() {
    assertThat(tracked("{\"jid\":\"j\",\"jobtype\":\"T\",\"args\":[],\"custom\":{\"track\":1}}"))
        .isTrue();
    assertThat(tracked("{\"jid\":\"j\",\"jobtype\":\"T\",\"args\":[],\"custom\":{\"track\":true}}"))
        .isTrue();
    assertThat(
            tracked("{\"custom\":{\"track\":\"1\"},\"jid\":\"j\",\"jobtype\":\"T\",\"args\":[]}"))
        .isTrue();
  }

  @Test
  void anythingElseIsNot() {
    assertThat(tracked("{\"jid\":\"j\",\"jobtype\":\"T\",\"args\":[]}")).isFalse();
    assertThat(tracked("{\"jid\":\"j\",\"jobtype\":\"T\",\"args\":[],\"custom\":{\"track\":0}}"))
        .isFalse();
    assertThat(tracked("{\"jid\":\"j\",\"jobtype\":\"T\",\"args\":[\"track\"],\"custom\":{}}"))
        .isFalse();
    assertThat(tracked("{\"jid\":\"j\",\"jobtype\":\"T\",\"args\":[],\"track\":1}")).isFalse();
    assertThat(tracked("\"track\" but not JSON")).isFalse();
    assertThat(tracked("")).isFalse();
  }
}
