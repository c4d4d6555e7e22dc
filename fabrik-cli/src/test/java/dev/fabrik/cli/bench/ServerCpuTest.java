package dev.fabrik.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerCpuTest {

  @Test
  void sumsUserAndSystemTicksAfterTheProcessName() {
    // A name with spaces and parentheses must not shift the fields: utime 1234, stime 56 ticks.
    String stat =
        "4242 (my (odd) java) S 1 4242 4242 0 -1 4194560 900 0 0 0 1234 56 0 0 20 0 40 0 77 "
            + "5000000 3000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 17 1 0 0 0 0 0";
    assertThat(ServerCpu.parse(stat)).isEqualTo((1234 + 56) * 10_000_000L);
  }

  @Test
  void thisProcessHasUsedCpuAndAnUnknownOneIsMinusOne() {
    long own = ServerCpu.nanos(ProcessHandle.current().pid());
    assertThat(own).isPositive().isEqualTo(own / 10_000_000L * 10_000_000L);
    assertThat(ServerCpu.nanos(null)).isEqualTo(-1);
    assertThat(ServerCpu.nanos(Long.MAX_VALUE)).isEqualTo(-1);
  }
}
