package dev.fabrik.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SetEntryKeyTest {

  private static final Instant T = Instant.parse("2030-01-01T00:00:00.123456789Z");

  @Test
  void stringFormRoundTripsAndIsUrlSafe() {
    for (SetEntry.Key key :
        new SetEntry.Key[] {
          new SetEntry.Key(T, "a1b2-c3", 42),
          new SetEntry.Key(T, "with_underscore_and.dot", 1),
          new SetEntry.Key(T, "späce / slash?&=%~ü€😀", 7),
          new SetEntry.Key(T, "", 3),
          new SetEntry.Key(Instant.parse("1960-05-01T00:00:00.5Z"), "old", 0),
          new SetEntry.Key(T, "any twin"),
        }) {
      String s = key.asString();
      assertThat(s).matches("[A-Za-z0-9._~-]+");
      assertThat(SetEntry.Key.parse(s)).isEqualTo(key);
    }
    assertThat(new SetEntry.Key(T, "a1b2-c3", 42).asString())
        .isEqualTo("1893456000_123456789_42_a1b2-c3");
    assertThat(new SetEntry.Key(T, "a b", 42).asString()).endsWith("_a~20b");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "1_2_3",
        "x_0_1_jid",
        "1_x_1_jid",
        "1_0_x_jid",
        "1_1000000000_1_jid",
        "1_-1_1_jid",
        "1_0_-2_jid",
        "01_0_1_jid",
        "+1_0_1_jid",
        "1_0_1_a b",
        "1_0_1_a%20b",
        "1_0_1_a~2",
        "1_0_1_a~zz",
        "1_0_1_a~41",
        "1_0_1_a~c3",
        "1_0_1_~FF",
        "99999999999999999999_0_1_jid",
        "9223372036854775807_0_1_jid",
        "9223372036855_0_1_jid",
        "-9223372036855_0_1_jid",
      })
  void garbageIsRejected(String s) {
    assertThatThrownBy(() -> SetEntry.Key.parse(s)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nullAndHugeStringsAreRejected() {
    assertThatThrownBy(() -> SetEntry.Key.parse(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SetEntry.Key.parse("1_0_1_" + "a".repeat(10_000)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void queryValidatesItsParts() {
    assertThat(new SetQuery("T", " ", true).text()).isNull();
    assertThat(new SetQuery(null, "x", false).filtered()).isTrue();
    assertThat(SetQuery.ALL.filtered()).isFalse();
    assertThatThrownBy(() -> new SetQuery("", null, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SetQuery(null, "x".repeat(SetQuery.MAX_LENGTH + 1), false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SetQuery("x".repeat(SetQuery.MAX_LENGTH + 1), null, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void textMatchIgnoresAsciiCaseOnly() {
    SetQuery q = new SetQuery(null, "TimeOut", false);
    assertThat(q.textMatches("{\"m\":\"net::timeout\"}".getBytes())).isTrue();
    assertThat(q.textMatches("{\"m\":\"time out\"}".getBytes())).isFalse();
    assertThat(new SetQuery(null, "Ü", false).textMatches("ü".getBytes())).isFalse();
    assertThat(new SetQuery(null, "ü", false).textMatches("xüx".getBytes())).isTrue();
  }
}
