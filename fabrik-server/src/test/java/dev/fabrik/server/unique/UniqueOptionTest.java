package dev.fabrik.server.unique;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.OptionKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UniqueOptionTest {

  private static Job job(String json) {
    return JobCodec.decode(json);
  }

  private static Job unique(String args, String queue, String custom) {
    return job(
        "{\"jid\":\"j-12345678\",\"jobtype\":\"T\",\"queue\":\""
            + queue
            + "\",\"args\":"
            + args
            + ",\"custom\":"
            + custom
            + "}");
  }

  @Test
  void aJobWithoutUniqueForHasNoOption() {
    assertThat(UniqueOption.of(job("{\"jid\":\"j-12345678\",\"jobtype\":\"T\",\"args\":[]}")))
        .isNull();
    assertThat(UniqueOption.of(unique("[]", "q", "{\"other\":1}"))).isNull();
    assertThat(UniqueOption.of(unique("[]", "q", "{\"unique_for\":null}"))).isNull();
  }

  @Test
  void secondsMayBeIntegerOrFractionAndUntilDefaultsToSuccess() {
    UniqueOption whole = UniqueOption.of(unique("[]", "q", "{\"unique_for\":90}"));
    assertThat(whole.window()).isEqualTo(Duration.ofSeconds(90));
    assertThat(whole.until()).isEqualTo(UniqueUntil.SUCCESS);

    UniqueOption fraction =
        UniqueOption.of(unique("[]", "q", "{\"unique_for\":0.25,\"unique_until\":\"start\"}"));
    assertThat(fraction.window()).isEqualTo(Duration.ofMillis(250));
    assertThat(fraction.until()).isEqualTo(UniqueUntil.START);

    Instant at = Instant.parse("2026-07-01T00:00:00Z");
    assertThat(whole.claim("jid-1", at))
        .isEqualTo(new UniqueClaim(whole.key(), "jid-1", at.plusSeconds(90)));
  }

  @Test
  void identityIsJobtypeQueueAndCanonicalArgs() {
    String key =
        UniqueOption.of(unique("[1,{\"a\":1,\"b\":[2]}]", "q", "{\"unique_for\":9}")).key();
    assertThat(key).matches("[0-9a-f]{64}");
    assertThat(UniqueOption.of(unique("[1,{\"b\":[2],\"a\":1}]", "q", "{\"unique_for\":60}")).key())
        .as("key order and window do not matter")
        .isEqualTo(key);
    assertThat(UniqueOption.of(unique("[1,{\"a\":1,\"b\":[2]}]", "r", "{\"unique_for\":9}")).key())
        .isNotEqualTo(key);
    assertThat(UniqueOption.of(unique("[1,{\"a\":1,\"b\":[3]}]", "q", "{\"unique_for\":9}")).key())
        .isNotEqualTo(key);
    assertThat(
            UniqueOption.of(
                    job(
                        "{\"jid\":\"j-12345678\",\"jobtype\":\"U\",\"queue\":\"q\","
                            + "\"args\":[1,{\"a\":1,\"b\":[2]}],\"custom\":{\"unique_for\":9}}"))
                .key())
        .isNotEqualTo(key);
  }

  @Test
  void badValuesAreRefusedWithTheirText() {
    for (String bad : new String[] {"\"60\"", "0", "-1", "true", "[1]", "1e12"}) {
      assertThatThrownBy(() -> UniqueOption.of(unique("[]", "q", "{\"unique_for\":" + bad + "}")))
          .isInstanceOf(CommandException.class)
          .hasMessageStartingWith("custom.unique_for must be a positive number of seconds");
    }
    assertThatThrownBy(
            () -> UniqueOption.of(unique("[]", "q", "{\"unique_for\":1,\"unique_until\":1}")))
        .isInstanceOf(CommandException.class)
        .hasMessage("custom.unique_until must be \"success\" or \"start\", got 1");
  }

  @Test
  void theByteScanFindsTheMarkerAndMissesPlainJobs() {
    assertThat(UniqueOption.mayBeUnique(keys("{\"custom\":{\"unique_for\":1}}"))).isTrue();
    assertThat(UniqueOption.mayBeUnique(keys("{\"jid\":\"x\",\"args\":[\"unique\"]}"))).isFalse();
    assertThat(UniqueOption.mayBeUnique(keys(""))).isFalse();
    assertThat(UniqueOption.mayBeUnique(keys("\"unique_for\""))).isTrue();
    assertThat(UniqueOption.mayBeUnique(keys("\"unique_fo\""))).isFalse();
    assertThat(UniqueOption.mayBeUnique(keys("xx\"unique_for\"\"unique_fo"))).isTrue();
    assertThat(UniqueOption.mayBeUnique(keys("\"uunique_for\"\"unique_foor\""))).isFalse();
    assertThat(UniqueOption.mayBeUnique(keys("{\"a\":\"\u00e9\u00e9\",\"unique_for\":2}")))
        .isTrue();
  }

  @Test
  void theByteScanAgreesWithAPlainSearchOnRandomText() {
    long seed = 20261205L;
    java.util.Random random = new java.util.Random(seed);
    String[] pieces = {"\"", "unique", "_for", "_fo", "u", "r\"", "x", "\"unique_for\"", "q"};
    for (int round = 0; round < 20_000; round++) {
      StringBuilder text = new StringBuilder();
      int n = random.nextInt(12);
      for (int i = 0; i < n; i++) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      String t = text.toString();
      assertThat(UniqueOption.mayBeUnique(keys(t)))
          .as("seed %d, text %s", seed, t)
          .isEqualTo(t.contains("\"unique_for\""));
    }
  }

  private static OptionKeys keys(String s) {
    return OptionKeys.of(bytes(s));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
