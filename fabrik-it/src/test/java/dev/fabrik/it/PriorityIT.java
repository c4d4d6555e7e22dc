package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.ProtocolConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Job priorities end to end: the npm client's {@code priority}, the Java client's {@code
 * JobBuilder.priority(int)}, and the raw protocol against the server as its own process, whose
 * queue keeps its priority order across a SIGKILL.
 */
class PriorityIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(40);

  @TempDir Path dataDir;

  @Test
  void theNodeClientsPriorityOrdersTheQueue() {
    try (InProcessServer server = InProcessServer.defaultStore(dataDir)) {
      JsonNode ok = NodeScript.run("priority.js", server.url(), TIMEOUT);

      assertThat(ok.path("order").toString())
          .isEqualTo(
              "[\"high-a\",\"high-b\",\"seven\",\"default-a\",\"default-b\",\"low-1\","
                  + "\"clamped-0\"]");
      assertThat(ok.path("refused").asString())
          .contains("invalid priority \"urgent\": it must be an integer from 1 to 9");
    }
  }

  @Test
  void theJavaClientsJobBuilderPriorityOrdersTheQueue() {
    try (InProcessServer server = InProcessServer.defaultStore(dataDir);
        Client client = Client.connect(ClientConfig.builder().url(server.url()).build())) {
      List<Job> pushed = new ArrayList<>();
      int[] priorities = {3, 9, 5, 1, 9, 7};
      for (int p : priorities) {
        Job job = Jobs.builder("Report").args(p).queue("reports").priority(p).build();
        client.push(job);
        pushed.add(job);
      }
      Job unset = Jobs.builder("Report").args("unset").queue("reports").build();
      client.push(unset);
      assertThat(unset.extra()).doesNotContainKey("priority");

      List<String> order = new ArrayList<>();
      for (Optional<Job> j = client.fetch("reports"); j.isPresent(); j = client.fetch("reports")) {
        order.add(j.get().args().get(0).asString());
        client.ack(j.get().jid());
      }
      assertThat(order).containsExactly("9", "9", "7", "5", "unset", "3", "1");
      assertThat(pushed.get(1).extra().get("priority").asInt()).isEqualTo(9);
      assertThatThrownBy(() -> Jobs.builder("Report").priority(10))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("priority must be 1..9, not 10");
    }
  }

  @Test
  void aServerProcessKeepsThePriorityOrderAcrossAKill() {
    List<String> expected = new ArrayList<>();
    List<List<String>> byLevel = new ArrayList<>();
    for (int i = 0; i <= 9; i++) {
      byLevel.add(new ArrayList<>());
    }
    try (ServerProcess server = ServerProcess.start(dataDir, List.of());
        ProtocolConnection conn = server.connect()) {
      for (int n = 0; n < 60; n++) {
        int priority = 1 + (n * 7) % 9;
        ObjectNode job = Wire.job("crashq", "T", n);
        job.put("priority", priority);
        Wire.push(conn, job);
        byLevel.get(priority).add(job.get("jid").asString());
      }
      server.kill();
    }
    for (int p = 9; p >= 1; p--) {
      expected.addAll(byLevel.get(p));
    }
    try (ServerProcess server = ServerProcess.start(dataDir, List.of());
        ProtocolConnection conn = server.connect()) {
      List<String> fetched = new ArrayList<>();
      for (JsonNode j = Wire.fetch(conn, "crashq"); j != null; j = Wire.fetch(conn, "crashq")) {
        fetched.add(j.get("jid").asString());
        Wire.ack(conn, j.get("jid").asString());
      }
      assertThat(fetched).isEqualTo(expected);
    }
  }
}
