package dev.fabrik.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The job type a reservation reads from its payload once, for every listener of its outcome. */
class ReservationTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static Reservation of(String payload) {
    return new Reservation(
        "j", "default", payload.getBytes(StandardCharsets.UTF_8), "w", T, T.plusSeconds(60));
  }

  @Test
  void readsTheTopLevelJobtypeOnly() {
    assertThat(of("{\"jid\":\"1\",\"jobtype\":\"Email\",\"args\":[]}").jobtype())
        .isEqualTo("Email");
    assertThat(
            of("{\"args\":[{\"jobtype\":\"Nested\"}],\"custom\":{\"jobtype\":\"X\"},"
                    + "\"jobtype\":\"Outer\"}")
                .jobtype())
        .isEqualTo("Outer");
    assertThat(of("{\"jid\":\"1\"}").jobtype()).isNull();
    assertThat(of("{\"jobtype\":7}").jobtype()).isNull();
    assertThat(of("[1,2]").jobtype()).isNull();
    assertThat(of("{\"jobtype\":").jobtype()).isNull();
    assertThat(of("not json").jobtype()).isNull();
  }

  @Test
  void readsThePayloadOnceAndKeepsTheAnswer() {
    Reservation r = of("{\"jid\":\"1\",\"jobtype\":\"Email\",\"args\":[]}");
    String first = r.jobtype();
    // The payload array is the reservation's own: overwriting it shows whether a second call
    // parses again (it would then find no job type).
    Arrays.fill(r.payload(), (byte) ' ');
    assertThat(r.jobtype()).isSameAs(first).isEqualTo("Email");

    Reservation none = of("{\"jid\":\"1\"}");
    assertThat(none.jobtype()).isNull();
    byte[] typed = "{\"jobtype\":\"Late\"}       ".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(typed, 0, none.payload(), 0, Math.min(typed.length, none.payload().length));
    assertThat(none.jobtype()).as("a missing type is remembered too").isNull();
  }

  @Test
  void equalsLikeARecord() {
    byte[] p = "{}".getBytes(StandardCharsets.UTF_8);
    Reservation a = new Reservation("j", "q", p, "w", T, T.plusSeconds(1));
    assertThat(a).isEqualTo(new Reservation("j", "q", p, "w", T, T.plusSeconds(1)));
    assertThat(a).hasSameHashCodeAs(new Reservation("j", "q", p, "w", T, T.plusSeconds(1)));
    assertThat(a).isNotEqualTo(new Reservation("k", "q", p, "w", T, T.plusSeconds(1)));
  }
}
