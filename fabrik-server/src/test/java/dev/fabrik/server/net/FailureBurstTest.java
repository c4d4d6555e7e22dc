package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FailureBurstTest {
  private final Logger log = (Logger) LoggerFactory.getLogger("FailureBurstTest");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final AtomicLong now = new AtomicLong();

  FailureBurstTest() {
    lines.start();
    log.addAppender(lines);
    log.setLevel(Level.INFO);
  }

  @Test
  void aBurstIsLoggedOnceAndItsEndOnceWithTheBackoffDoubling() {
    FailureBurst burst = new FailureBurst("accept", log, now::get);
    IOException emfile = new IOException("Too many open files");
    long[] waits = new long[12];
    for (int i = 0; i < waits.length; i++) {
      waits[i] = burst.failed(emfile);
      now.addAndGet(1_000_000);
    }
    assertThat(waits).startsWith(5, 10, 20, 40).endsWith(1000, 1000);
    assertThat(burst.problem())
        .isEqualTo("accept failing: java.io.IOException: Too many open files");
    assertThat(burst.failingForNanos()).isEqualTo(12_000_000);

    burst.succeeded();
    burst.succeeded();
    assertThat(burst.problem()).isNull();
    assertThat(lines.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "accept failed: java.io.IOException: Too many open files; retrying (logged once per"
                + " burst)",
            "accept works again after 12 failures in 12 ms");

    assertThat(burst.failed(emfile)).isEqualTo(5); // a new burst starts from the shortest wait
    assertThat(lines.list).hasSize(3);
  }
}
