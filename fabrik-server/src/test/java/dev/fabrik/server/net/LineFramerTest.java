package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFramerTest {

  private final MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);

  private LineFramer framer(int maxLineBytes) {
    return new LineFramer(maxLineBytes, ByteBuffer.allocate(64), budget);
  }

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
      assertThat(f.endRead()).isTrue();
    }
    return lines;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void crlfAndBareLfInOneRead() {
    LineFramer f = framer(100);
    assertThat(frame(f, utf8("PUSH {}\r\nFETCH default\nEND\r\n"), 1000))
        .containsExactly("PUSH {}", "FETCH default", "END");
    assertThat(f.partial()).isFalse();
  }

  @Test
  void oneByteAtATimeKeepsMultiByteCharacters() {
    String json = "{\"jid\":\"abcdefgh\",\"args\":[\"grüße €\"]}";
    LineFramer f = framer(100);
    assertThat(frame(f, utf8("PUSH " + json + "\r\nEND\n"), 1))
        .containsExactly("PUSH " + json, "END");
  }

  @Test
  void incompleteLineIsHeldAndReportedPartial() {
    LineFramer f = framer(100);
    assertThat(frame(f, utf8("INFO\r\nPUSH {\"jid"), 1000)).containsExactly("INFO");
    assertThat(f.partial()).isTrue();
    assertThat(f.hasLine()).isFalse();
    assertThat(frame(f, utf8("\":\"x\"}\r\n"), 1000)).containsExactly("PUSH {\"jid\":\"x\"}");
    assertThat(f.partial()).isFalse();
  }

  @Test
  void hasLineSeesAPipelinedLineWithoutTakingIt() {
    LineFramer f = framer(100);
    f.readBuffer().put(utf8("ACK {}\r\nFETCH q\r\n"));
    assertThat(f.next()).isEqualTo("ACK {}");
    assertThat(f.endRead()).isTrue(); // the waiting line moves out of the loop's buffer
    assertThat(f.hasLine()).isTrue();
    assertThat(f.next()).isEqualTo("FETCH q");
    assertThat(f.hasLine()).isFalse();
    assertThat(f.next()).isNull();
  }

  @Test
  void capCountsTheLineWithoutItsTerminator() {
    for (int chunk : new int[] {1, 7, 1000}) {
      LineFramer f = framer(10);
      String atCap = "x".repeat(10);
      String overCap = "y".repeat(11);
      assertThat(frame(f, utf8(atCap + "\r\n" + overCap + "\r\n" + overCap + "\nok\r\n"), chunk))
          .as("chunk %d", chunk)
          .containsExactly(atCap, "<too long>", "<too long>", "ok");
    }
  }

  @Test
  void oversizedLineIsDroppedAsItArrivesAndReportedOnce() {
    LineFramer f = framer(1000);
    byte[] huge = utf8("PUSH " + "z".repeat(100_000) + "\r\nINFO\r\n");
    assertThat(frame(f, huge, 4096)).containsExactly("<too long>", "INFO");
    assertThat(f.ownBytes()).isZero();
    assertThat(budget.used()).isZero();
  }

  @Test
  void carriageReturnOfAnOversizedLineArrivingAloneIsNotALine() {
    LineFramer f = framer(4);
    List<String> lines = new ArrayList<>(frame(f, utf8("abcdefghij\r"), 1000));
    lines.addAll(frame(f, utf8("\nnext\r\n"), 1000));
    assertThat(lines).containsExactly("<too long>", "next");
  }

  @Test
  void longLineGrowsAnOwnBufferThatGoesBackOnceFramed() {
    LineFramer f = framer(1 << 20);
    String big = "b".repeat(200_000);
    assertThat(frame(f, utf8(big + "\r\n" + big.substring(1000)), 65_536)).containsExactly(big);
    assertThat(f.ownBytes()).isGreaterThan(199_000);
    assertThat(budget.used()).isEqualTo(f.ownBytes());
    assertThat(frame(f, utf8("b".repeat(1000) + "\r\n"), 65_536)).containsExactly(big);
    assertThat(f.ownBytes()).isZero();
    assertThat(budget.used()).isZero();
  }

  @Test
  void linesThatArriveWholeNeverTouchTheBudget() {
    MemoryBudget none = new MemoryBudget(1);
    LineFramer f = new LineFramer(100, ByteBuffer.allocate(64), none);
    for (int i = 0; i < 3; i++) {
      assertThat(frame(f, utf8("PUSH {}\r\nINFO\r\n"), 1000)).containsExactly("PUSH {}", "INFO");
    }
    assertThat(none.used()).isZero();
  }

  @Test
  void heldBytesAreChargedUntilFramed() {
    LineFramer f = framer(100);
    assertThat(frame(f, utf8("INFO\r\nPUSH {\"jid"), 1000)).containsExactly("INFO");
    assertThat(budget.used()).isEqualTo(10);
    assertThat(frame(f, utf8("\":\"x\"}\r\n"), 1000)).containsExactly("PUSH {\"jid\":\"x\"}");
    assertThat(budget.used()).isZero();
  }

  @Test
  void restThatDoesNotFitIsRefused() {
    MemoryBudget small = new MemoryBudget(10);
    LineFramer f = new LineFramer(100, ByteBuffer.allocate(64), small);
    f.readBuffer().put(utf8("INFO\r\nPUSH {\"jid\":"));
    assertThat(f.next()).isEqualTo("INFO");
    assertThat(f.next()).isNull();
    assertThat(f.endRead()).isFalse();
    assertThat(small.used()).isZero();
    assertThat(f.partial()).isFalse();
  }

  @Test
  void longLineIsRefusedWhenItsBufferCannotGrow() {
    MemoryBudget small = new MemoryBudget(200);
    LineFramer f = new LineFramer(1000, ByteBuffer.allocate(64), small);
    byte[] chunk = utf8("x".repeat(64));
    ByteBuffer b = null;
    for (int reads = 0; reads < 10; reads++) {
      b = f.readBuffer();
      if (b == null) {
        break;
      }
      b.put(chunk, 0, Math.min(chunk.length, b.remaining()));
      assertThat(f.next()).isNull();
      assertThat(f.endRead()).isTrue();
      assertThat(small.used()).isLessThanOrEqualTo(200);
    }
    assertThat(b).isNull();
    f.free();
    assertThat(small.used()).isZero();
  }

  @Test
  void smallCapLimitsWhatOneReadTakes() {
    LineFramer f = new LineFramer(10, ByteBuffer.allocate(1024), budget);
    assertThat(f.readBuffer().remaining()).isEqualTo(12);
    assertThat(f.endRead()).isTrue();
    f.maxLineBytes(500);
    assertThat(f.readBuffer().remaining()).isEqualTo(502);
  }

  @Test
  void freeGivesTheOwnBufferBack() {
    LineFramer f = framer(100);
    assertThat(frame(f, utf8("PUSH {\"jid"), 1000)).isEmpty();
    assertThat(budget.used()).isPositive();
    f.free();
    assertThat(budget.used()).isZero();
    assertThat(f.partial()).isFalse();
  }
}
