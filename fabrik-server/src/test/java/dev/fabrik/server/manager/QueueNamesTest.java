package dev.fabrik.server.manager;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Queue names match {@code \A[a-zA-Z0-9._-]+\z}, as in Faktory. */
class QueueNamesTest {
  @ParameterizedTest
  @ValueSource(strings = {"default", "a", "Z", "0", "critical.mail_2-b", "...", "-_-", "AZaz09"})
  void namesOfTheAllowedCharactersAreValid(String name) {
    assertThat(QueueNames.isValid(name)).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {" ", "a b", "c&c", "q/1", "q:1", "ü", "q\n", "\u0000", "a@", "[", "`", "{"})
  void anyOtherCharacterOrNoneIsInvalid(String name) {
    assertThat(QueueNames.isValid(name)).isFalse();
  }
}
