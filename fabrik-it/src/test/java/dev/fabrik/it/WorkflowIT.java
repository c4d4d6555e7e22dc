package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.MutateCommand;
import dev.fabrik.client.ServerErrorException;
import dev.fabrik.client.Workflow;
import dev.fabrik.protocol.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Workflows ({@code custom.after}) end to end on the default store: a 1,000-job DAG worked by
 * concurrent workers in dependency order, each job once; death of a dependency and the chain's
 * continuation after its retry from the dead set; refused pushes; the npm client.
 */
class WorkflowIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dataDir;

  private static Client connect(InProcessServer server) {
    return Client.connect(ClientConfig.builder().url(server.url()).build());
  }

  private static Job step(String queue, String name) {
    return Jobs.builder("Step").queue(queue).args(name).build();
  }

  /**
   * 1 root → 100 in parallel → 1 fan-in → 449 in parallel, each followed by its own successor (898
   * jobs), worked by 4 workers. The execution log records when each job was handed out and when its
   * ACK was answered, on one global counter: every job must start after the ACK of each of its
   * dependencies, and run exactly once.
   */
  @Test
  void aThousandJobDagRunsInDependencyOrderExactlyOnce() throws Exception {
    String q = "dag";
    Job root = step(q, "root");
    Job[] wide = new Job[100];
    for (int i = 0; i < wide.length; i++) {
      wide[i] = step(q, "wide-" + i);
    }
    Job join = step(q, "join");
    Job[] fan = new Job[449];
    for (int i = 0; i < fan.length; i++) {
      fan[i] = step(q, "fan-" + i);
    }
    Workflow.Builder b = Workflow.builder().step(root).then(wide).then(join).then(fan);
    for (Job f : fan) {
      b.add(step(q, "tail"), f);
    }
    Workflow flow = b.build();
    assertThat(flow.jobs()).hasSize(1000);
    Map<String, List<String>> deps = new ConcurrentHashMap<>();
    for (Job j : flow.jobs()) {
      List<String> after = new ArrayList<>();
      j.custom().get("after").forEach(n -> after.add(n.asString()));
      deps.put(j.jid(), after);
    }

    try (InProcessServer server = InProcessServer.defaultStore(dataDir);
        Client pusher = connect(server)) {
      flow.push(pusher);
      AtomicLong clock = new AtomicLong();
      Map<String, Long> started = new ConcurrentHashMap<>();
      Map<String, Long> acked = new ConcurrentHashMap<>();
      AtomicInteger runs = new AtomicInteger();
      int workers = 4;
      List<Future<?>> done = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
        for (int w = 0; w < workers; w++) {
          done.add(
              pool.submit(
                  () -> {
                    try (Client c = connect(server)) {
                      long deadline = System.nanoTime() + TIMEOUT.toNanos();
                      while (acked.size() < 1000 && System.nanoTime() < deadline) {
                        Optional<Job> job = c.fetch(q);
                        if (job.isEmpty()) {
                          continue;
                        }
                        runs.incrementAndGet();
                        started.putIfAbsent(job.get().jid(), clock.incrementAndGet());
                        // Stamped before the ACK is sent: the server may release a dependent, and
                        // another worker start it, before this ACK's reply is back here.
                        long ackSent = clock.incrementAndGet();
                        c.ack(job.get().jid());
                        acked.put(job.get().jid(), ackSent);
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      }
      assertThat(acked).hasSize(1000);
      assertThat(runs.get()).as("each job handed out once").isEqualTo(1000);
      for (Map.Entry<String, List<String>> e : deps.entrySet()) {
        for (String dep : e.getValue()) {
          assertThat(started.get(e.getKey()))
              .as("%s started after the ACK of its dependency %s was sent", e.getKey(), dep)
              .isGreaterThan(acked.get(dep));
        }
      }
      assertThat(pusher.info().queueSize(q)).isZero();
    }
  }

  @Test
  void aDeadDependencyTakesItsDependentsAlongAndItsRetryLetsThemContinue() {
    try (InProcessServer server = InProcessServer.defaultStore(dataDir);
        Client client = connect(server)) {
      Job a = Jobs.builder("Step").queue("chain").args("a").retry(-1).build();
      Job b = step("chain", "b");
      Job c = step("chain", "c");
      Workflow.builder().step(a).then(b).then(c).build().push(client);

      Job fetched = client.fetch("chain").orElseThrow();
      assertThat(fetched.jid()).isEqualTo(a.jid());
      client.fail(a.jid(), "Boom", "it broke", List.of());
      await().atMost(TIMEOUT).until(() -> client.info().dead() == 3);

      client.mutate(
          MutateCommand.requeue(MutateCommand.Target.DEAD, MutateCommand.Filter.jids(a.jid())));
      assertThat(client.fetch("chain").orElseThrow().jid()).isEqualTo(a.jid());
      client.ack(a.jid());
      // b leaves the dead set and runs; c waits for it, then runs
      assertThat(client.fetch("chain").orElseThrow().jid()).isEqualTo(b.jid());
      assertThat(client.info().dead()).isZero();
      assertThat(client.info().queueSize("chain")).isZero();
      client.ack(b.jid());
      assertThat(client.fetch("chain").orElseThrow().jid()).isEqualTo(c.jid());
      client.ack(c.jid());
    }
  }

  @Test
  void pushRefusesBadAfterAndStoresNothingOfIt() {
    try (InProcessServer server = InProcessServer.defaultStore(dataDir);
        Client client = connect(server)) {
      assertThatThrownBy(
              () -> client.push(Jobs.builder("Step").custom("after", List.of("nobody")).build()))
          .isInstanceOf(ServerErrorException.class)
          .hasMessageContaining("unknown dependency nobody");
      assertThatThrownBy(() -> client.push(Jobs.builder("Step").custom("after", "x").build()))
          .hasMessageContaining("custom.after must be an array");
      assertThatThrownBy(
              () -> client.push(Jobs.builder("Step").custom("after", List.of(1)).build()))
          .hasMessageContaining("custom.after must be an array of jids");
      Job self =
          Jobs.builder("Step")
              .jid("self-jid-0001")
              .custom("after", List.of("self-jid-0001"))
              .build();
      assertThatThrownBy(() -> client.push(self)).hasMessageContaining("may not name itself");

      Job p =
          Jobs.builder("Step").jid("cycle-p-0001").custom("after", List.of("cycle-q-0001")).build();
      Job qq =
          Jobs.builder("Step").jid("cycle-q-0001").custom("after", List.of("cycle-p-0001")).build();
      Job ok = Jobs.builder("Step").jid("root-ok-0001").custom("after", List.of()).build();
      Map<String, String> refused = client.pushBulk(List.of(p, qq, ok));
      assertThat(refused).containsOnlyKeys("cycle-p-0001", "cycle-q-0001");
      assertThat(refused.get("cycle-p-0001")).contains("cycle");
      assertThat(client.info().queueSize("default")).isOne();
    }
  }

  @Test
  void theNodeClientPushesAfterAndItsWorkerSeesTheOrder() {
    try (InProcessServer server = InProcessServer.defaultStore(dataDir)) {
      JsonNode ok = NodeScript.run("workflow.js", server.url(), TIMEOUT);
      assertThat(ok.path("order").toString()).isEqualTo("[\"root\",\"mid\",\"last\"]");
      assertThat(ok.path("refused").asString()).contains("unknown dependency no-such-jid");
    }
  }
}
