package dev.fabrik.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  private static LineReader reader(String wire, int cap) {
    return new LineReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)), cap);
  }

  /** Hands out one byte per read call. */
  static InputStream oneBytePerRead(byte[] bytes) {
    return new InputStream() {
      private int i;

      @Override
      public int read() {
        return i < bytes.length ? bytes[i++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (i >= bytes.length) {
          return -1;
        }
        b[off] = bytes[i++];
        return 1;
      }
    };
  }

  @Test
  void crlfAndBareLf() throws IOException {
    LineReader r = reader("PUSH {}\r\nFETCH default\nEND\r\n", 100);
    assertThat(r.readLine()).isEqualTo("PUSH {}");
    assertThat(r.readLine()).isEqualTo("FETCH default");
    assertThat(r.readLine()).isEqualTo("END");
    assertThat(r.readLine()).isNull();
  }

  @Test
  void pipelinedLinesInOneRead() throws IOException {
    LineReader r = reader("A\r\nB\r\nC\r\n", 100);
    assertThat(r.readLine()).isEqualTo("A");
    assertThat(r.available()).isEqualTo(6);
    assertThat(r.readLine()).isEqualTo("B");
    assertThat(r.readLine()).isEqualTo("C");
    assertThat(r.available()).isZero();
    assertThat(r.readLine()).isNull();
  }

  @Test
  void lineSplitAcrossManyTinyReads() throws IOException {
    String json = "{\"jid\":\"abcdefgh\",\"args\":[\"é€\"]}";
    LineReader r =
        new LineReader(
            oneBytePerRead(("PUSH " + json + "\r\nEND\n").getBytes(StandardCharsets.UTF_8)), 100);
    assertThat(r.readLine()).isEqualTo("PUSH " + json);
    assertThat(r.readLine()).isEqualTo("END");
    assertThat(r.readLine()).isNull();
  }

  @Test
  void lineLongerThanTheInternalBuffer() throws IOException {
    String big = "x".repeat(100_000);
    LineReader r = reader(big + "\r\nnext\r\n", 200_000);
    assertThat(r.readLine()).isEqualTo(big);
    assertThat(r.readLine()).isEqualTo("next");
  }

  @Test
  void lineExactlyAtCapAccepted() throws IOException {
    assertThat(reader("12345\r\n", 5).readLine()).isEqualTo("12345");
    assertThat(reader("12345\n", 5).readLine()).isEqualTo("12345");
  }

  @Test
  void capPlusOneRejectedAndStreamStaysFramed() throws IOException {
    for (String terminator : new String[] {"\r\n", "\n"}) {
      LineReader r = reader("123456" + terminator + "next" + terminator, 5);
      assertThatThrownBy(r::readLine)
          .isInstanceOf(LineTooLongException.class)
          .hasMessage("line exceeds 5 bytes")
          .satisfies(e -> assertThat(((LineTooLongException) e).limit()).isEqualTo(5));
      assertThat(r.readLine()).isEqualTo("next");
      assertThat(r.readLine()).isNull();
    }
  }

  @Test
  void muchTooLongLineAcrossTinyReadsStaysFramed() throws IOException {
    byte[] wire = ("y".repeat(1000) + "\r\nok\r\n").getBytes(StandardCharsets.UTF_8);
    LineReader r = new LineReader(oneBytePerRead(wire), 10);
    assertThatThrownBy(r::readLine).isInstanceOf(LineTooLongException.class);
    assertThat(r.readLine()).isEqualTo("ok");
  }

  @Test
  void onlyTrailingCrIsStripped() throws IOException {
    LineReader r = reader("a\rb\r\n\r\r\n", 100);
    assertThat(r.readLine()).isEqualTo("a\rb");
    assertThat(r.readLine()).isEqualTo("\r");
  }

  @Test
  void cleanEofIsNull() throws IOException {
    assertThat(reader("", 10).readLine()).isNull();
  }

  @Test
  void eofMidLineIsEofException() throws IOException {
    LineReader r = reader("END\r\nPUSH {", 100);
    assertThat(r.readLine()).isEqualTo("END");
    assertThatThrownBy(r::readLine).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> reader("\r", 100).readLine()).isInstanceOf(EOFException.class);
  }

  @Test
  void emptyLineIsEmptyString() throws IOException {
    LineReader r = reader("\r\n\n", 100);
    assertThat(r.readLine()).isEmpty();
    assertThat(r.readLine()).isEmpty();
    assertThat(r.readLine()).isNull();
  }

  @Test
  void rejectsNonPositiveCap() {
    assertThatThrownBy(() -> new LineReader(InputStream.nullInputStream(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A budget that counts what is taken and refuses past its limit. */
  private static final class CountingBudget implements BufferBudget {
    private final long limit;
    long used;
    long peak;

    CountingBudget(long limit) {
      this.limit = limit;
    }

    @Override
    public boolean tryReserve(long bytes) {
      if (used + bytes > limit) {
        return false;
      }
      used += bytes;
      peak = Math.max(peak, used);
      return true;
    }

    @Override
    public void release(long bytes) {
      used -= bytes;
    }
  }

  @Test
  void aLongLineIsChargedToTheBudgetOnlyWhileItIsRead() throws IOException {
    CountingBudget budget = new CountingBudget(1 << 20);
    String big = "x".repeat(100_000);
    LineReader r =
        new LineReader(
            new ByteArrayInputStream((big + "\r\nshort\r\n" + big + "\r\n").getBytes()),
            200_000,
            budget);
    assertThat(r.readLine()).isEqualTo(big);
    assertThat(budget.peak).isGreaterThan(100_000);
    assertThat(budget.used).isZero();
    assertThat(r.readLine()).isEqualTo("short");
    assertThat(r.readLine()).isEqualTo(big);
    assertThat(budget.used).isZero();
  }

  @Test
  void aLineTheBudgetCannotHoldIsRefused() throws IOException {
    CountingBudget budget = new CountingBudget(50_000);
    LineReader r =
        new LineReader(
            new ByteArrayInputStream(("x".repeat(100_000) + "\r\n").getBytes()), 200_000, budget);
    assertThatThrownBy(r::readLine).isInstanceOf(BufferRefusedException.class);
    r.release();
    assertThat(budget.used).isZero();
  }

  @Test
  void theCapCanChangeBetweenLines() throws IOException {
    LineReader r = reader("HELLO {}\r\n" + "x".repeat(50) + "\r\n" + "x".repeat(50) + "\r\n", 20);
    assertThat(r.readLine()).isEqualTo("HELLO {}");
    assertThatThrownBy(r::readLine).isInstanceOf(LineTooLongException.class);
    r.maxLineBytes(100);
    assertThat(r.readLine()).isEqualTo("x".repeat(50));
  }
}
