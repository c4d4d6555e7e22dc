package dev.fabrik.server.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.QueuedJob;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchOrderTest {
  private static WorkflowRules.Submitted job(String jid, String... after) {
    return new WorkflowRules.Submitted(
        new QueuedJob(jid, "q", ("{\"jid\":\"" + jid + "\"}").getBytes()), null, List.of(after));
  }

  private static List<String> order(BatchOrder o) {
    return o.sorted().stream().map(s -> s.job().jid()).toList();
  }

  @Test
  void eachJobComesAfterTheBatchJobsItDependsOn() {
    BatchOrder o =
        BatchOrder.of(List.of(job("d", "b", "c"), job("c", "a"), job("b", "a"), job("a")));
    assertThat(o.errors()).isEmpty();
    List<String> sorted = order(o);
    assertThat(sorted).containsExactlyInAnyOrder("a", "b", "c", "d");
    assertThat(sorted.indexOf("a")).isLessThan(sorted.indexOf("b"));
    assertThat(sorted.indexOf("a")).isLessThan(sorted.indexOf("c"));
    assertThat(sorted.indexOf("c")).isLessThan(sorted.indexOf("d"));
    assertThat(sorted.indexOf("b")).isLessThan(sorted.indexOf("d"));
  }

  @Test
  void dependenciesOutsideTheBatchDoNotHoldAJobBack() {
    assertThat(order(BatchOrder.of(List.of(job("b", "stored-earlier"), job("a")))))
        .containsExactly("b", "a");
  }

  @Test
  void aCycleAndItsDependentsAreRefusedTheRestIsKept() {
    BatchOrder o =
        BatchOrder.of(
            List.of(
                job("p", "q"), job("q", "p"), job("r", "p"), job("ok"), job("two"), job("two")));
    assertThat(order(o)).containsExactly("ok");
    assertThat(o.errors()).containsOnlyKeys("p", "q", "r", "two");
    assertThat(o.errors().get("p")).contains("cycle");
    assertThat(o.errors().get("r")).contains("cycle");
    assertThat(o.errors().get("two")).contains("appears twice");
  }
}
