package dev.fabrik.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** Seeds in src/test/resources/dev/fabrik/protocol/RespReaderFuzzTestInputs/readReplies. */
class RespReaderFuzzTest {
  private static final int CAP = 256;

  @FuzzTest(maxDuration = "30s")
  void readReplies(@NotNull byte[] input) {
    RespReader reader = new RespReader(new ByteArrayInputStream(input), CAP);
    for (int i = 0; i <= input.length; i++) {
      Reply reply;
      try {
        reply = reader.read();
      } catch (ProtocolException | IOException e) {
        return; // the only failures allowed; both end the connection
      }
      assertThat(reply).isNotNull();
      if (reply instanceof Reply.Bulk bulk) {
        assertThat(bulk.payload().length).isLessThanOrEqualTo(CAP);
      }
    }
    throw new AssertionError("more replies than input bytes");
  }
}
