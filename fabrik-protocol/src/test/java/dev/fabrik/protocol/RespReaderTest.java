package dev.fabrik.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RespReaderTest {

  private static RespReader reader(String wire) {
    return new RespReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)), 1024);
  }

  @Test
  void simple() throws IOException {
    assertThat(reader("+OK\r\n").read()).isEqualTo(new Reply.Simple("OK"));
    assertThat(reader("+HI {\"v\":2}\r\n").read()).isEqualTo(new Reply.Simple("HI {\"v\":2}"));
  }

  @Test
  void errorSplitsCodeAtFirstSpace() throws IOException {
    assertThat(reader("-ERR unknown command X\r\n").read())
        .isEqualTo(new Reply.Error("ERR", "unknown command X"));
    assertThat(reader("-NOTUNIQUE Job not unique\r\n").read())
        .isEqualTo(new Reply.Error("NOTUNIQUE", "Job not unique"));
    assertThat(reader("-ERR\r\n").read()).isEqualTo(new Reply.Error("ERR", ""));
  }

  @Test
  void bulkHasExactByteLength() throws IOException {
    Reply reply = reader("$13\r\n{\"default\":0}\r\n").read();
    assertThat(reply).isInstanceOf(Reply.Bulk.class);
    assertThat(((Reply.Bulk) reply).text()).isEqualTo("{\"default\":0}");

    // "é" is two bytes: the length counts bytes, and CRLF inside a bulk is payload.
    Reply utf8 = reader("$6\r\n\"é\r\n\"\r\n").read();
    assertThat(((Reply.Bulk) utf8).text()).isEqualTo("\"é\r\n\"");

    Reply empty = reader("$0\r\n\r\n").read();
    assertThat(((Reply.Bulk) empty).payload()).isEmpty();
  }

  @Test
  void nullBulk() throws IOException {
    assertThat(reader("$-1\r\n").read()).isEqualTo(Reply.NULL);
  }

  @Test
  void pipelinedRepliesOneByteAtATime() throws IOException {
    byte[] wire =
        concat(
            Reply.OK.encode(),
            Reply.bulk("{\"jid\":\"abc\"}").encode(),
            Reply.NULL.encode(),
            Reply.error("ERR", "boom").encode());
    RespReader r = new RespReader(LineReaderTest.oneBytePerRead(wire), 1024);
    assertThat(r.read()).isEqualTo(Reply.OK);
    assertThat(((Reply.Bulk) r.read()).text()).isEqualTo("{\"jid\":\"abc\"}");
    assertThat(r.read()).isEqualTo(Reply.NULL);
    assertThat(r.read()).isEqualTo(new Reply.Error("ERR", "boom"));
    assertThatThrownBy(r::read).isInstanceOf(EOFException.class).hasMessageContaining("closed");
  }

  @Test
  void rejectsIntegersArraysAndGarbage() {
    assertThatThrownBy(() -> reader(":1\r\n").read())
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("integer");
    assertThatThrownBy(() -> reader("*1\r\n$1\r\na\r\n").read())
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("array");
    assertThatThrownBy(() -> reader("hello\r\n").read())
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("0x68");
    assertThatThrownBy(() -> reader("\r\n").read())
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void requiresCrlf() {
    assertThatThrownBy(() -> reader("+OK\n").read())
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("CRLF");
    assertThatThrownBy(() -> reader("$2\r\nab\n").read())
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("CRLF");
  }

  @Test
  void rejectsBadBulkLengths() {
    for (String bad : new String[] {"$-2", "$+1", "$ 1", "$", "$1x", "$99999999999"}) {
      assertThatThrownBy(() -> reader(bad + "\r\n").read())
          .as(bad)
          .isInstanceOf(ProtocolException.class)
          .hasMessageContaining("bulk length");
    }
  }

  @Test
  void bulkOverCapIsRefusedBeforeReading() {
    assertThatThrownBy(() -> reader("$1025\r\n").read())
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("exceeds cap 1024");
  }

  @Test
  void replyCutMidBulkIsClearEof() {
    assertThatThrownBy(() -> reader("$14\r\n{some:j").read())
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("inside a bulk reply (7 of 14 bytes)");
    assertThatThrownBy(() -> reader("$3\r\nabc").read())
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("missing CRLF");
    assertThatThrownBy(() -> reader("+O").read())
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("inside a reply line");
  }

  @Test
  void emptyStreamIsEof() {
    assertThatThrownBy(() -> reader("").read())
        .isInstanceOf(EOFException.class)
        .hasMessage("connection closed by server");
  }

  @Test
  void rejectsNonPositiveCap() {
    assertThatThrownBy(() -> new RespReader(InputStream.nullInputStream(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
