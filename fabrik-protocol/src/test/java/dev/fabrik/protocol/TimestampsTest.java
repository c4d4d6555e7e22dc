package dev.fabrik.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  @Test
  void parsesZuluWithAndWithoutFraction() {
    assertThat(Timestamps.parse("2017-08-17T18:55:26Z"))
        .isEqualTo(Instant.parse("2017-08-17T18:55:26Z"));
    assertThat(Timestamps.parse("2017-08-17T18:55:26.554544Z"))
        .isEqualTo(Instant.parse("2017-08-17T18:55:26.554544Z"));
    assertThat(Timestamps.parse("2017-08-17T18:55:26.123456789Z").getNano()).isEqualTo(123456789);
  }

  @Test
  void parsesJavaScriptToIsoStringMillis() {
    assertThat(Timestamps.parse("2026-06-30T17:00:00.500Z"))
        .isEqualTo(Instant.parse("2026-06-30T17:00:00.5Z"));
  }

  @Test
  void parsesOffsets() {
    assertThat(Timestamps.parse("2017-08-17T20:55:26+02:00"))
        .isEqualTo(Instant.parse("2017-08-17T18:55:26Z"));
    assertThat(Timestamps.parse("2017-08-17T13:25:26.5-05:30"))
        .isEqualTo(Instant.parse("2017-08-17T18:55:26.5Z"));
    assertThat(Timestamps.parse("2017-08-17t18:55:26z"))
        .isEqualTo(Instant.parse("2017-08-17T18:55:26Z"));
  }

  @Test
  void rejectsMissingOffsetSpaceSeparatorAndImpossibleDates() {
    for (String bad :
        new String[] {
          "2017-08-17T18:55:26",
          "2017-08-17 18:55:26Z",
          "2017-02-30T18:55:26Z",
          "2017-08-17T24:00:00Z",
          "2017-08-17T18:55:26.Z",
          "2017-08-17T18:55:26+0200",
          "tomorrow",
          ""
        }) {
      assertThatThrownBy(() -> Timestamps.parse(bad))
          .as(bad)
          .isInstanceOf(DateTimeParseException.class);
    }
  }

  @Test
  void formatTrimsTrailingZerosAndOmitsZeroFraction() {
    assertThat(Timestamps.format(Instant.parse("2017-08-17T18:55:26Z")))
        .isEqualTo("2017-08-17T18:55:26Z");
    assertThat(Timestamps.format(Instant.parse("2017-08-17T18:55:26.500Z")))
        .isEqualTo("2017-08-17T18:55:26.5Z");
    assertThat(Timestamps.format(Instant.parse("2017-08-17T18:55:26.554544Z")))
        .isEqualTo("2017-08-17T18:55:26.554544Z");
    assertThat(Timestamps.format(Instant.parse("2017-08-17T18:55:26.000000001Z")))
        .isEqualTo("2017-08-17T18:55:26.000000001Z");
  }

  @Test
  void roundTripsExactly() {
    for (String s :
        new String[] {
          "2017-08-17T18:55:26Z",
          "2017-08-17T18:55:26.554544Z",
          "2026-06-30T17:00:00.5Z",
          "1970-01-01T00:00:00.123456789Z"
        }) {
      assertThat(Timestamps.format(Timestamps.parse(s))).isEqualTo(s);
    }
  }

  @Test
  void handFormattingAgreesWithTheJdkFormatterOnRandomInstants() {
    long seed = System.nanoTime();
    java.util.Random random = new java.util.Random(seed);
    java.time.format.DateTimeFormatter reference =
        new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(java.time.ZoneOffset.UTC);
    for (int i = 0; i < 10_000; i++) {
      long seconds = random.nextLong(Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
      int nanos = random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000);
      Instant t = Instant.ofEpochSecond(seconds, nanos);
      assertThat(Timestamps.format(t)).as("seed %d, %s", seed, t).isEqualTo(reference.format(t));
    }
  }
}
