package dev.fabrik.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.Reply;
import org.junit.jupiter.api.Test;

class BenchPartsTest {

  @Test
  void parsesFaktoryUrls() {
    ConnectionOptions o = BenchTarget.parse("tcp://:s%40cret@10.0.0.5:7500").build();
    assertThat(o.host()).isEqualTo("10.0.0.5");
    assertThat(o.port()).isEqualTo(7500);
    assertThat(o.password()).isEqualTo("s@cret");
    assertThat(o.sslSocketFactory()).isNull();

    ConnectionOptions tls = BenchTarget.parse("tcp+tls://localhost").build();
    assertThat(tls.port()).isEqualTo(7419);
    assertThat(tls.password()).isNull();
    assertThat(tls.sslSocketFactory()).isNotNull();

    assertThatThrownBy(() -> BenchTarget.parse("http://localhost:7419"))
        .hasMessageContaining("tcp://");
  }

  @Test
  void anIdleGapRunsFromTheIthFreedSlotToTheDeliveryThatRetakesIt() {
    LimitedDrainPhase phase =
        new LimitedDrainPhase(
            ConnectionOptions.builder().build(),
            3,
            2,
            java.time.Duration.ZERO,
            new LimitedDrainPhase.LimitApi() {
              @Override
              public void set(String queue, int concurrency) {}

              @Override
              public void remove(String queue) {}
            });
    // Limit 2: deliveries at 0 and 1 fill the slots; ACKs free them at 10 and 20 (given out of
    // order); deliveries 3 and 4 at 12 and 35 take them again: gaps 2 and 15.
    long[] gaps = phase.idleGaps(new long[] {20, 10}, new long[] {0, 1, 12, 35, 99}, 4);
    assertThat(gaps).containsExactly(2, 15);
    // A delivery that came before its slot's free time (clock skew between threads) counts 0.
    assertThat(phase.idleGaps(new long[] {10}, new long[] {0, 1, 9}, 3)).containsExactly(0);
  }

  @Test
  void redactsPasswords() {
    assertThat(BenchTarget.redact("tcp://:pw@host:7419")).isEqualTo("tcp://:***@host:7419");
    assertThat(BenchTarget.redact("tcp://host:7419")).isEqualTo("tcp://host:7419");
  }

  @Test
  void parsesPhaseLists() {
    assertThat(Phase.parseList("push-bulk, drain")).containsExactly(Phase.PUSH_BULK, Phase.DRAIN);
    assertThatThrownBy(() -> Phase.parseList("push,pop")).hasMessageContaining("\"pop\"");
    assertThatThrownBy(() -> Phase.parseList(",")).hasMessageContaining("no phases");
  }

  @Test
  void nearestRankPercentiles() {
    long[] nanos = new long[100];
    for (int i = 0; i < 100; i++) {
      nanos[i] = (100 - i) * 1_000_000L; // 1..100 ms, unsorted
    }
    Samples s = new Samples(nanos, 100);
    assertThat(s.percentile(50)).isEqualTo(50_000_000L);
    assertThat(s.percentile(99)).isEqualTo(99_000_000L);
    assertThat(s.max()).isEqualTo(100_000_000L);
    assertThat(s.summary().p99Ms()).isEqualTo(99.0);
    assertThat(new Samples(nanos, 0).summary().maxMs()).isZero();
  }

  @Test
  void readsTheJidOfAFetchedJob() {
    assertThat(JobLines.jid(bulk("{\"jid\":\"5f0c\",\"queue\":\"q\"}"))).isEqualTo("5f0c");
    // Any other shape goes through the JSON parser.
    assertThat(JobLines.jid(bulk("{\"queue\":\"q\",\"jid\":\"a1\"}"))).isEqualTo("a1");
    assertThat(JobLines.jid(bulk("{ \"jid\" : \"a\\u0062\" }"))).isEqualTo("ab");
    assertThat(JobLines.jid(bulk("{\"jid\":\"a\\u0062\"}"))).isEqualTo("ab");
  }

  private static Reply.Bulk bulk(String json) {
    return new Reply.Bulk(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
