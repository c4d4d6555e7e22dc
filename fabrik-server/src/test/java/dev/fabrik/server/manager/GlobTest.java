package dev.fabrik.server.manager;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "*uid:67123*|{\"args\":[\"truid:67123\"]}|true",
        "*uid:67123*|{\"args\":[\"trid:67123\"]}|false",
        "uid:67123|xuid:67123|false",
        "*|''|true",
        "*|anything|true",
        "''|''|true",
        "''|a|false",
        "a?c|abc|true",
        "a?c|ac|false",
        "a*c|ac|true",
        "a*c|abbbc|true",
        "a*c|abbbd|false",
        "*a*b*c*|xxaxxbxxcxx|true",
        "*a*b*c*|xxaxxcxxbxx|false",
        "[abc]x|bx|true",
        "[abc]x|dx|false",
        "[^abc]x|dx|true",
        "[^abc]x|ax|false",
        "[a-c]|b|true",
        "[a-c]|d|false",
        "[c-a]|b|true",
        "\\*|*|true",
        "\\*|a|false",
        "a\\?|a?|true",
        "a\\?|ab|false",
        "[\\]]|]|true",
        "*SpecialType*|{\"jobtype\":\"SpecialType\"}|true",
        "h*llo|hello|true",
        "h*llo|heeeello|true",
        "h*llo|hllo|true",
        "h[ae]llo|hallo|true",
        "h[ae]llo|hillo|false",
        "**a|ba|true",
        "[abc|b|true",
      })
  void matchesLikeRedis(String pattern, String text, boolean expected) {
    assertThat(Glob.compile(pattern).matches(text)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void longTextWithManyStarsStaysLinearEnough() {
    String text = "a".repeat(5000) + "b";
    assertThat(Glob.compile("*a*a*a*a*c").matches(text)).isFalse();
    assertThat(Glob.compile("*a*a*a*a*b").matches(text)).isTrue();
  }
}
