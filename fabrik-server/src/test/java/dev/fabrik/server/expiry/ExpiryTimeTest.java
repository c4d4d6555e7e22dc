package dev.fabrik.server.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.CommandException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExpiryTimeTest {
  private static final Instant NOW = Instant.parse("2026-12-05T18:00:00Z");

  private static Job job(String custom) {
    return JobCodec.decode(
        "{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"custom\":" + custom + "}");
  }

  @Test
  void aJobWithoutCustomOrWithoutTheKeysHasNoExpiry() {
    assertThat(ExpiryTime.stamp(JobCodec.decode("{\"jid\":\"abcdefgh\"}"), NOW)).isNull();
    Job other = job("{\"track\":1}");
    assertThat(ExpiryTime.stamp(other, NOW)).isNull();
    assertThat(JobCodec.encodeToString(other)).doesNotContain("expires");
  }

  @Test
  void expiresInBecomesAnAbsoluteExpiresAtFromThePush() {
    Job j = job("{\"expires_in\":90}");
    assertThat(ExpiryTime.stamp(j, NOW)).isEqualTo(NOW.plusSeconds(90));
    assertThat(j.custom().get("expires_at").asString()).isEqualTo("2026-12-05T18:01:30Z");
    assertThat(j.custom().get("expires_in").asInt()).isEqualTo(90);
    assertThat(ExpiryTime.of(j)).isEqualTo(NOW.plusSeconds(90));
  }

  @Test
  void fractionalSecondsAreKept() {
    Job j = job("{\"expires_in\":1.5}");
    assertThat(ExpiryTime.stamp(j, NOW)).isEqualTo(NOW.plusMillis(1500));
  }

  @Test
  void expiresAtIsReadInAnyRfc3339Form() {
    Job j = job("{\"expires_at\":\"2026-12-05T19:30:00.123456789+01:00\"}");
    assertThat(ExpiryTime.stamp(j, NOW)).isEqualTo(Instant.parse("2026-12-05T18:30:00.123456789Z"));
    assertThat(j.custom().get("expires_at").asString())
        .as("left as sent")
        .isEqualTo("2026-12-05T19:30:00.123456789+01:00");
  }

  @Test
  void withBothTheEarlierWins() {
    Job sooner = job("{\"expires_at\":\"2026-12-05T18:00:10Z\",\"expires_in\":60}");
    assertThat(ExpiryTime.stamp(sooner, NOW)).isEqualTo(NOW.plusSeconds(10));
    assertThat(ExpiryTime.of(sooner)).isEqualTo(NOW.plusSeconds(10));
    Job later = job("{\"expires_at\":\"2026-12-05T19:00:00Z\",\"expires_in\":60}");
    assertThat(ExpiryTime.stamp(later, NOW)).isEqualTo(NOW.plusSeconds(60));
    assertThat(ExpiryTime.of(later)).isEqualTo(NOW.plusSeconds(60));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"expires_at\":\"tomorrow\"}",
        "{\"expires_at\":\"2026-12-05 18:00:00Z\"}",
        "{\"expires_at\":\"2026-12-05T18:00:00\"}",
        "{\"expires_at\":1765000000}",
        "{\"expires_in\":-1}",
        "{\"expires_in\":-0.001}",
        "{\"expires_in\":\"NaN\"}",
        "{\"expires_in\":\"60\"}",
        "{\"expires_in\":[60]}",
        "{\"expires_in\":1e300}"
      })
  void badValuesAreRefusedWithAnErrNamingTheKey(String custom) {
    String key = custom.contains("expires_at") ? "expires_at" : "expires_in";
    assertThatThrownBy(() -> ExpiryTime.stamp(job(custom), NOW))
        .isInstanceOfSatisfying(CommandException.class, e -> assertThat(e.code()).isEqualTo("ERR"))
        .hasMessageContaining(key);
  }

  @Test
  void theMessagesSayWhatIsWrong() {
    assertThatThrownBy(() -> ExpiryTime.stamp(job("{\"expires_at\":\"tomorrow\"}"), NOW))
        .hasMessage("invalid timestamp for 'expires_at': \"tomorrow\": cannot parse it at index 0");
    assertThatThrownBy(() -> ExpiryTime.stamp(job("{\"expires_in\":-5}"), NOW))
        .hasMessage("custom.expires_in must not be negative, got -5");
    assertThatThrownBy(() -> ExpiryTime.stamp(job("{\"expires_in\":\"NaN\"}"), NOW))
        .hasMessage("custom.expires_in must be a number of seconds, not \"NaN\"");
  }

  @Test
  void nullValuesMeanNoExpiry() {
    assertThat(ExpiryTime.stamp(job("{\"expires_at\":null,\"expires_in\":null}"), NOW)).isNull();
  }

  @Test
  void anUnreadableStoredExpiryIsIgnored() {
    assertThat(ExpiryTime.of(job("{\"expires_at\":\"garbage\"}"))).isNull();
    assertThat(ExpiryTime.of(job("{\"expires_at\":5}"))).isNull();
  }
}
