package dev.fabrik.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** Seeds in src/test/resources/dev/fabrik/protocol/LineReaderFuzzTestInputs/readLines. */
class LineReaderFuzzTest {
  private static final int CAP = 64;

  @FuzzTest(maxDuration = "30s")
  void readLines(@NotNull byte[] input) {
    // Half the runs read one byte at a time, to hit every buffer boundary.
    boolean trickle = input.length > 0 && (input[0] & 1) == 1;
    LineReader reader =
        new LineReader(
            trickle ? LineReaderTest.oneBytePerRead(input) : new ByteArrayInputStream(input), CAP);
    int lines = 0;
    while (true) {
      String line;
      try {
        line = reader.readLine();
      } catch (IOException e) {
        // LineTooLongException keeps the stream framed: keep reading; EOFException ends it.
        if (e instanceof LineTooLongException) {
          continue;
        }
        return;
      }
      if (line == null) {
        return;
      }
      assertThat(line).doesNotContain("\n");
      assertThat(line.length()).isLessThanOrEqualTo(CAP);
      assertThat(++lines).isLessThanOrEqualTo(input.length);
    }
  }
}
