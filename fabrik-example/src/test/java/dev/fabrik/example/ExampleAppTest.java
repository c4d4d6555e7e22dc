package dev.fabrik.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleAppTest {

  @Test
  void welcomeJobsCarryTheEmailAsFirstArgumentAndOneIsScheduled() {
    List<Job> jobs = ExampleApp.welcomeJobs();

    assertThat(jobs)
        .hasSize(4)
        .allSatisfy(j -> assertThat(j.jobtype()).isEqualTo("SendWelcomeEmail"));
    // args[0] is the record as a JSON object: {"to":"ada@example.com","name":"Ada"}
    Job first = jobs.get(0);
    assertThat(first.args().get(0).get("to").asString()).isEqualTo("ada@example.com");
    assertThat(first.args().get(0).get("name").asString()).isEqualTo("Ada");
    assertThat(jobs.subList(0, 3)).allSatisfy(j -> assertThat(j.at()).isNull());
    assertThat(jobs.get(3).at()).isNotNull();
    assertThat(jobs.stream().map(Job::jid).distinct()).hasSize(4);
  }

  @Test
  void secondsArgumentIsOptionalAndValidated() {
    assertThat(ExampleApp.parseSeconds(new String[0])).isNull();
    assertThat(ExampleApp.parseSeconds(new String[] {"--seconds", "8"}))
        .isEqualTo(Duration.ofSeconds(8));
    assertThatThrownBy(() -> ExampleApp.parseSeconds(new String[] {"--seconds", "0"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExampleApp.parseSeconds(new String[] {"--seconds", "x"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExampleApp.parseSeconds(new String[] {"--minutes", "1"}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
