package dev.fabrik.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PayloadKeyTest {
  private static final PayloadKey EXPIRES_AT = PayloadKey.of("expires_at");

  private static boolean probe(String json) {
    return EXPIRES_AT.foundIn(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void findsTheKeyAnywhere() {
    assertThat(probe("{\"custom\":{\"expires_at\":\"2026-12-05T18:00:00Z\"}}")).isTrue();
    assertThat(probe("\"expires_at\"")).isTrue();
  }

  @Test
  void aPayloadWithoutTheKeyIsAMiss() {
    assertThat(probe("{\"jid\":\"a\",\"jobtype\":\"T\",\"args\":[1]}")).isFalse();
    assertThat(probe("{\"custom\":{\"expires_in\":60}}")).isFalse();
    assertThat(probe("{\"custom\":{\"expires_a\":1}}")).isFalse();
    assertThat(probe("\"expires_at")).isFalse();
    assertThat(probe("")).isFalse();
  }

  @Test
  void agreesWithAPlainSearchOnRandomText() {
    Random random = new Random(42);
    String alphabet = "\"expires_at{}:,0";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder();
      for (int k = random.nextInt(40); k > 0; k--) {
        b.append(random.nextInt(8) == 0 ? "\"expires_at\"" : alphabet.charAt(random.nextInt(16)));
      }
      String text = b.toString();
      assertThat(probe(text))
          .as("seed 42, case %d: %s", n, text)
          .isEqualTo(text.contains("\"expires_at\""));
    }
  }

  @Test
  void theKeyInsideAValueIsAHarmlessFalsePositive() {
    assertThat(probe("{\"args\":[\"\\\"expires_at\\\"\"]}")).isFalse();
    assertThat(probe("{\"args\":[{\"expires_at\":1}]}")).isTrue();
  }
}
