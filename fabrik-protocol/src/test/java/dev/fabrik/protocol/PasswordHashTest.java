package dev.fabrik.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordHashTest {
  private static final String SALT = "55104dc76695721d";

  @Test
  void specVectorWith1545Iterations() {
    assertThat(PasswordHash.compute("foobar", SALT, 1545))
        .isEqualTo("6d877f8e5544b1f2598768f817413ab8a357afffa924dedae99eb91472d4ec30");
  }

  @Test
  void specVectorWithOneIteration() {
    assertThat(PasswordHash.compute("foobar", SALT, 1))
        .isEqualTo("bda5ef54df4404655456165c27f46764614a296cdafcaffc747b7ab7cc1ea313");
  }

  @Test
  void iterationsMustBePositive() {
    assertThatThrownBy(() -> PasswordHash.compute("foobar", SALT, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlySixtyFourLowercaseHexDigitsAreWellFormed() {
    assertThat(PasswordHash.isWellFormed(PasswordHash.compute("foobar", SALT, 3))).isTrue();
    assertThat(PasswordHash.isWellFormed(null)).isFalse();
    assertThat(PasswordHash.isWellFormed("")).isFalse();
    assertThat(PasswordHash.isWellFormed("ab".repeat(31))).isFalse();
    assertThat(PasswordHash.isWellFormed("ab".repeat(33))).isFalse();
    assertThat(PasswordHash.isWellFormed("AB".repeat(32))).isFalse();
    assertThat(PasswordHash.isWellFormed("g" + "a".repeat(63))).isFalse();
    assertThat(PasswordHash.isWellFormed("0123456789abcdef".repeat(4))).isTrue();
  }

  @Test
  void matches() {
    String expected = PasswordHash.compute("foobar", SALT, 3);
    assertThat(PasswordHash.matches(expected, expected)).isTrue();
    assertThat(PasswordHash.matches(expected, PasswordHash.compute("foobaz", SALT, 3))).isFalse();
    assertThat(PasswordHash.matches(expected, expected.substring(1))).isFalse();
    assertThat(PasswordHash.matches(expected, null)).isFalse();
  }
}
