package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFramerTest {

  /** Feeds {@code wire} in reads of at most {@code chunk} bytes and collects every line. */
  private static List<String> frame(LineFramer f, byte[] wire, int chunk) {
    List<String> lines = new ArrayList<>();
    int at = 0;
    while (at < wire.length) {
      ByteBuffer b = f.readBuffer();
      int n = Math.min(Math.min(chunk, b.remaining()), wire.length - at);
      b.put(wire, at, n);
      at += n;
      for (String line = f.next(); line != null; line = f.next()) {
        lines.add(line == LineFramer.TOO_LONG ? "<too long>" : line);
      }
    }
    return lines;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void crlfAndBareLfInOneRead() {
    LineFramer f = new LineFramer(100, 64);
    assertThat(frame(f, utf8("PUSH {}\r\nFETCH default\nEND\r\n"), 1000))
        .containsExactly("PUSH {}", "FETCH default", "END");
    assertThat(f.partial()).isFalse();
  }

  @Test
  void oneByteAtATimeKeepsMultiByteCharacters() {
    String json = "{\"jid\":\"abcdefgh\",\"args\":[\"grüße €\"]}";
    LineFramer f = new LineFramer(100, 64);
    assertThat(frame(f, utf8("PUSH " + json + "\r\nEND\n"), 1))
        .containsExactly("PUSH " + json, "END");
  }

  @Test
  void incompleteLineIsHeldAndReportedPartial() {
    LineFramer f = new LineFramer(100, 64);
    assertThat(frame(f, utf8("INFO\r\nPUSH {\"jid"), 1000)).containsExactly("INFO");
    assertThat(f.partial()).isTrue();
    assertThat(f.hasLine()).isFalse();
    assertThat(frame(f, utf8("\":\"x\"}\r\n"), 1000)).containsExactly("PUSH {\"jid\":\"x\"}");
    assertThat(f.partial()).isFalse();
  }

  @Test
  void hasLineSeesAPipelinedLineWithoutTakingIt() {
    LineFramer f = new LineFramer(100, 64);
    f.readBuffer().put(utf8("ACK {}\r\nFETCH q\r\n"));
    assertThat(f.next()).isEqualTo("ACK {}");
    assertThat(f.hasLine()).isTrue();
    assertThat(f.next()).isEqualTo("FETCH q");
    assertThat(f.hasLine()).isFalse();
    assertThat(f.next()).isNull();
  }

  @Test
  void capCountsTheLineWithoutItsTerminator() {
    for (int chunk : new int[] {1, 7, 1000}) {
      LineFramer f = new LineFramer(10, 64);
      String atCap = "x".repeat(10);
      String overCap = "y".repeat(11);
      assertThat(frame(f, utf8(atCap + "\r\n" + overCap + "\r\n" + overCap + "\nok\r\n"), chunk))
          .as("chunk %d", chunk)
          .containsExactly(atCap, "<too long>", "<too long>", "ok");
    }
  }

  @Test
  void oversizedLineIsDroppedAsItArrivesAndReportedOnce() {
    LineFramer f = new LineFramer(1000, 64);
    byte[] huge = utf8("PUSH " + "z".repeat(100_000) + "\r\nINFO\r\n");
    assertThat(frame(f, huge, 4096)).containsExactly("<too long>", "INFO");
    assertThat(f.capacity()).isLessThanOrEqualTo(1002);
  }

  @Test
  void carriageReturnOfAnOversizedLineArrivingAloneIsNotALine() {
    LineFramer f = new LineFramer(4, 64);
    List<String> lines = new ArrayList<>(frame(f, utf8("abcdefghij\r"), 1000));
    lines.addAll(frame(f, utf8("\nnext\r\n"), 1000));
    assertThat(lines).containsExactly("<too long>", "next");
  }

  @Test
  void bufferGrowsForLongLinesAndShrinksAtTheFirstShortOne() {
    LineFramer f = new LineFramer(1 << 20, 64);
    String big = "b".repeat(200_000);
    assertThat(frame(f, utf8(big + "\r\n" + big + "\r\n"), 65_536)).containsExactly(big, big);
    assertThat(f.capacity()).isGreaterThan(200_000);
    assertThat(frame(f, utf8("small\r\n"), 65_536)).containsExactly("small");
    assertThat(f.capacity()).isEqualTo(64);
  }
}
