package dev.fabrik.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplyTest {

  private static String wire(Reply reply) {
    return new String(reply.encode(), StandardCharsets.UTF_8);
  }

  @Test
  void simple() {
    assertThat(wire(Reply.OK)).isEqualTo("+OK\r\n");
    assertThat(wire(new Reply.Simple("HI {\"v\":2}"))).isEqualTo("+HI {\"v\":2}\r\n");
  }

  @Test
  void nullIsMinusOneNeverZero() {
    assertThat(wire(Reply.NULL)).isEqualTo("$-1\r\n");
  }

  @Test
  void bulk() {
    assertThat(wire(Reply.bulk("{some:jobjson}"))).isEqualTo("$14\r\n{some:jobjson}\r\n");
    assertThat(wire(Reply.bulk(""))).isEqualTo("$0\r\n\r\n");
  }

  @Test
  void bulkLengthCountsUtf8Bytes() {
    // "é" is 2 bytes, "€" 3, "😀" 4 (a surrogate pair in Java: 2 chars).
    assertThat(wire(Reply.bulk("é€😀"))).isEqualTo("$9\r\né€😀\r\n");
    assertThat(Reply.bulk("é€😀").encode()).hasSize(4 + 9 + 2);
  }

  @Test
  void error() {
    assertThat(wire(Reply.error("ERR", "permission denied")))
        .isEqualTo("-ERR permission denied\r\n");
    assertThat(wire(Reply.error("NOTUNIQUE", "Job not unique")))
        .isEqualTo("-NOTUNIQUE Job not unique\r\n");
    assertThat(wire(Reply.error("ERR", ""))).isEqualTo("-ERR\r\n");
    assertThat(new Reply.Error("ERR", "unknown command X").text())
        .isEqualTo("ERR unknown command X");
  }

  @Test
  void crAndLfInErrorMessageAreReplacedSoFramingHolds() {
    assertThat(wire(Reply.error("ERR", "line1\r\nline2\nline3\r")))
        .isEqualTo("-ERR line1  line2 line3 \r\n");
  }

  @Test
  void crAndLfInSimpleTextAreReplaced() {
    assertThat(wire(new Reply.Simple("a\r\nb"))).isEqualTo("+a  b\r\n");
  }

  @Test
  void bulkComparesByContent() {
    assertThat(Reply.bulk("abc")).isEqualTo(Reply.bulk("abc".getBytes(StandardCharsets.UTF_8)));
    assertThat(Reply.bulk("abc")).hasSameHashCodeAs(Reply.bulk("abc"));
    assertThat(Reply.bulk("abc")).isNotEqualTo(Reply.bulk("abd"));
    assertThat(Reply.bulk("abc").toString()).contains("abc");
  }

  @Test
  void roundTripsThroughRespReader() throws Exception {
    Reply[] replies = {
      Reply.OK, Reply.NULL, Reply.bulk("é\r\n"), Reply.error("ERR", "x y"), Reply.error("E", "")
    };
    for (Reply r : replies) {
      RespReader reader = new RespReader(new java.io.ByteArrayInputStream(r.encode()), 100);
      assertThat(reader.read()).isEqualTo(r);
    }
  }
}
