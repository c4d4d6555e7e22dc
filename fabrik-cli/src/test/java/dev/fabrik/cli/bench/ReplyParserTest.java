package dev.fabrik.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.ProtocolException;
import dev.fabrik.protocol.Reply;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyParserTest {
  private static final String STREAM =
      "+OK\r\n"
          + "-ERR unknown command X\r\n"
          + "$13\r\n{\"default\":0}\r\n"
          + "$-1\r\n"
          + "+HI {\"v\":2}\r\n"
          + "$0\r\n\r\n"
          + "-NOTUNIQUE\r\n"
          + "$4\r\na\r\nb\r\n"; // CR and LF inside a bulk are payload, not framing

  private static final List<Reply> EXPECTED =
      List.of(
          Reply.OK,
          Reply.error("ERR", "unknown command X"),
          Reply.bulk("{\"default\":0}"),
          Reply.NULL,
          new Reply.Simple("HI {\"v\":2}"),
          Reply.bulk(""),
          Reply.error("NOTUNIQUE", ""),
          Reply.bulk("a\r\nb"));

  @Test
  void parsesAStreamFedOneByteAtATime() {
    ReplyParser parser = new ReplyParser(1024);
    List<Reply> replies = new ArrayList<>();
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      ByteBuffer one = ByteBuffer.wrap(bytes, i, 1);
      Reply reply = parser.next(one);
      assertThat(one.hasRemaining()).isFalse();
      if (reply != null) {
        replies.add(reply);
      }
    }
    assertThat(replies).isEqualTo(EXPECTED);
    assertThat(replies.get(0)).isSameAs(Reply.OK); // the push phase allocates nothing per reply
  }

  @Test
  void parsesSeveralRepliesFromOneRead() {
    ReplyParser parser = new ReplyParser(1024);
    ByteBuffer all = ByteBuffer.wrap(STREAM.getBytes(StandardCharsets.UTF_8));
    List<Reply> replies = new ArrayList<>();
    Reply reply;
    while ((reply = parser.next(all)) != null) {
      replies.add(reply);
    }
    assertThat(replies).isEqualTo(EXPECTED);
    assertThat(all.hasRemaining()).isFalse();
  }

  @Test
  void aReplySplitAcrossReadsKeepsItsPlace() {
    ReplyParser parser = new ReplyParser(1024);
    assertThat(parser.next(ascii("$5\r\nhe"))).isNull();
    assertThat(parser.next(ascii("llo\r"))).isNull();
    ByteBuffer tail = ascii("\n+O");
    assertThat(parser.next(tail)).isEqualTo(Reply.bulk("hello"));
    assertThat(tail.remaining()).isEqualTo(2); // what follows a reply is left for the next call
    assertThat(parser.next(tail)).isNull();
    assertThat(parser.next(ascii("K\r\n"))).isSameAs(Reply.OK);
  }

  @Test
  void rejectsWhatIsNotTheProtocol() {
    assertThatThrownBy(() -> new ReplyParser(1024).next(ascii(":1\r\n")))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("0x3a");
    assertThatThrownBy(() -> new ReplyParser(1024).next(ascii("+OK\n")))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> new ReplyParser(1024).next(ascii("+OK\rX")))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> new ReplyParser(1024).next(ascii("\r\n")))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> new ReplyParser(1024).next(ascii("$1x\r\n")))
        .hasMessageContaining("invalid bulk length");
    assertThatThrownBy(() -> new ReplyParser(1024).next(ascii("$2\r\nabXY")))
        .hasMessageContaining("not followed by CRLF");
    assertThatThrownBy(() -> new ReplyParser(4).next(ascii("$5\r\n")))
        .hasMessageContaining("exceeds cap 4");
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }
}
