package dev.fabrik.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {

  @Test
  void readsVmRssInBytes() {
    List<String> status = List.of("Name:\tjava", "VmPeak:\t 9000000 kB", "VmRSS:\t  123456 kB");
    assertThat(ProcessMemory.vmRssBytes(status)).hasValue(123456L * 1024);
  }

  @Test
  void noVmRssLineOrGarbageIsEmpty() {
    assertThat(ProcessMemory.vmRssBytes(List.of("Name:\tjava"))).isEmpty();
    assertThat(ProcessMemory.vmRssBytes(List.of("VmRSS:\tlots kB"))).isEmpty();
  }

  @Test
  void residentSetIsAtLeastTheHeapInUse() {
    Runtime rt = Runtime.getRuntime();
    long heapUsed = rt.totalMemory() - rt.freeMemory();
    // The resident set holds the touched heap plus code, metaspace and stacks.
    assertThat(ProcessMemory.residentBytes()).isPositive().isGreaterThan(heapUsed / 2);
  }
}
