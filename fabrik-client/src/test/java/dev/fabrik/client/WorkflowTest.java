package dev.fabrik.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkflowTest {
  private static Job job(String jid) {
    return Jobs.builder("Step").jid(jid).custom("owner", "me").build();
  }

  private static List<String> after(Workflow w, String jid) {
    Job j = w.jobs().stream().filter(x -> x.jid().equals(jid)).findFirst().orElseThrow();
    List<String> out = new ArrayList<>();
    j.custom().get("after").forEach(n -> out.add(n.asString()));
    return out;
  }

  @Test
  void stagesBecomeFanOutAndFanIn() {
    Workflow w = Workflow.builder().step(job("a")).then(job("b"), job("c")).then(job("d")).build();
    assertThat(w.jobs()).extracting(Job::jid).containsExactly("a", "b", "c", "d");
    assertThat(after(w, "a")).isEmpty();
    assertThat(after(w, "b")).containsExactly("a");
    assertThat(after(w, "c")).containsExactly("a");
    assertThat(after(w, "d")).containsExactly("b", "c");
    // the job's own custom keys stay
    assertThat(w.jobs().get(0).custom().get("owner").asString()).isEqualTo("me");
  }

  @Test
  void explicitEdgesKeepTheStage() {
    Job a = job("a");
    Job x = job("x");
    Workflow w = Workflow.builder().step(a).add(x, a).then(job("b")).build();
    assertThat(after(w, "x")).containsExactly("a");
    assertThat(after(w, "b")).containsExactly("a");
  }

  @Test
  void refusesUnknownDependenciesDuplicatesAndAThenWithoutAStep() {
    assertThatThrownBy(() -> Workflow.builder().add(job("b"), job("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dependency a must be added before");
    assertThatThrownBy(() -> Workflow.builder().step(job("a")).step(job("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already in the workflow");
    assertThatThrownBy(() -> Workflow.builder().then(job("a")))
        .isInstanceOf(IllegalStateException.class);
  }
}
