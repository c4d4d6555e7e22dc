package dev.fabrik.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FormDataTest {
  @Test
  void repeatedNamesKeepTheirOrderAndPlusIsASpace() {
    FormData f = FormData.parse("key=a%7Cb&key=c&q=smtp+timeout&flag&=x&&csrf=t");
    assertThat(f.all("key")).containsExactly("a|b", "c");
    assertThat(f.first("q")).hasValue("smtp timeout");
    assertThat(f.first("flag")).hasValue("");
    assertThat(f.first("csrf")).hasValue("t");
    assertThat(f.first("missing")).isEmpty();
    assertThat(f.all("missing")).isEmpty();
    assertThat(FormData.parse(null).asMap()).isEmpty();
  }

  @Test
  void aBadEscapeIsA400() {
    assertThatThrownBy(() -> FormData.parse("q=%G1"))
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void csrfTokensAreRandomAndComparedExactly() {
    Csrf a = Csrf.random();
    assertThat(a.token()).hasSize(43).isNotEqualTo(Csrf.random().token());
    assertThat(a.valid(a.token())).isTrue();
    assertThat(a.valid(a.token() + "x")).isFalse();
    assertThat(a.valid("")).isFalse();
    assertThat(a.valid(null)).isFalse();
  }
}
