package dev.fabrik.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.it.SettableClock;
import dev.fabrik.protocol.Job;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.config.ServerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real in-process server: memory store, loopback, ephemeral port. */
class ClientEndToEndIT {
  private static final String PASSWORD = "e2e-secret";

  private final SettableClock clock = new SettableClock(Instant.parse("2026-06-30T17:00:00Z"));
  private FabrikServer server;
  private Client client;

  @BeforeEach
  void start() {
    ServerConfig config =
        ServerConfig.builder()
            .bindHost("127.0.0.1")
            .port(0)
            .webBindHost("127.0.0.1")
            .webPort(-1)
            .storage("memory")
            .password(PASSWORD)
            .fetchWait(Duration.ofMillis(200))
            .handshakeTimeout(Duration.ofSeconds(2))
            .build();
    server = new FabrikServer(config, clock);
    server.start();
    client = Client.connect(config().build());
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    server.close();
  }

  private ClientConfig.Builder config() {
    return ClientConfig.builder().url("tcp://:" + PASSWORD + "@127.0.0.1:" + server.port());
  }

  @Test
  void pushFetchAck() {
    Job pushed = Jobs.builder("SendEmail").args(42, "welcome").queue("mail").build();
    client.push(pushed);
    assertThat(client.info().queueSize("mail")).isEqualTo(1);

    Job fetched = client.fetch("critical", "mail").orElseThrow();
    assertThat(fetched.jid()).isEqualTo(pushed.jid());
    assertThat(fetched.args().toString()).isEqualTo("[42,\"welcome\"]");
    assertThat(fetched.enqueuedAt()).isNotNull();
    assertThat(client.info().working()).isEqualTo(1);

    client.ack(fetched.jid());
    ServerInfo info = client.info();
    assertThat(info.working()).isZero();
    assertThat(info.totalProcessed()).isEqualTo(1);
    assertThat(info.queueSize("mail")).isZero();
    assertThat(info.version()).isNotEmpty();
    assertThat(info.connections()).isGreaterThanOrEqualTo(1);
    assertThat(client.fetch("mail")).isEmpty();
  }

  @Test
  void pushBulkReportsTheBadJobOnly() {
    Job good = Jobs.of("A", 1);
    Job bad = Jobs.builder("B").jid("bad-jid-1").reserveFor(Duration.ofDays(2)).build();
    Map<String, String> errors = client.pushBulk(List.of(good, bad));
    assertThat(errors).containsOnlyKeys("bad-jid-1");
    assertThat(errors.get("bad-jid-1")).contains("reserved for more than one day");
    assertThat(client.info().queueSize("default")).isEqualTo(1);
  }

  @Test
  void serverErrorLeavesTheConnectionUsable() {
    Job bad = Jobs.builder("T").jid("short").build(); // jid under 8 characters
    assertThatThrownBy(() -> client.push(bad))
        .isInstanceOfSatisfying(
            ServerErrorException.class,
            e -> {
              assertThat(e.code()).isEqualTo("ERR");
              assertThat(e.serverMessage()).contains("reasonable jid");
            });
    assertThat(client.isBroken()).isFalse();
    client.push(Jobs.of("T"));
  }

  @Test
  void failedJobIsRetriedThenMutated() {
    Job job = Jobs.of("Flaky");
    client.push(job);
    String jid = client.fetch("default").orElseThrow().jid();
    client.fail(jid, "IOException", "disk full", List.of("Flaky.java:10"));

    ServerInfo afterFail = client.info();
    assertThat(afterFail.retries()).isEqualTo(1);
    assertThat(afterFail.totalFailures()).isEqualTo(1);

    client.mutate(MutateCommand.kill(MutateCommand.Target.RETRIES, MutateCommand.Filter.jids(jid)));
    ServerInfo afterKill = client.info();
    assertThat(afterKill.retries()).isZero();
    assertThat(afterKill.dead()).isEqualTo(1);

    client.mutate(
        MutateCommand.requeue(MutateCommand.Target.DEAD, MutateCommand.Filter.jobtype("Flaky")));
    assertThat(client.info().dead()).isZero();
    Job again = client.fetch("default").orElseThrow();
    assertThat(again.jid()).isEqualTo(jid);
    assertThat(again.failure()).isNotNull();
    assertThat(again.failure().errtype()).isEqualTo("IOException");
  }

  @Test
  void pausedQueueHandsOutNothingAndLatencyGrows() {
    client.push(Jobs.builder("T").queue("slow").build());
    clock.advance(Duration.ofSeconds(5));
    assertThat(client.queueLatency("slow", "never-used"))
        .containsEntry("slow", 5.0)
        .containsEntry("never-used", 0.0);

    client.queuePause("slow");
    assertThat(client.fetch("slow")).isEmpty();
    client.queueResume("slow");
    assertThat(client.fetch("slow")).isPresent();

    client.push(Jobs.builder("T").queue("gone").build());
    client.queueRemove("gone");
    assertThat(client.info().queues()).doesNotContainKey("gone");
  }

  @Test
  void flushWipesJobs() {
    client.push(Jobs.of("T"));
    client.flush();
    assertThat(client.info().queueSize("default")).isZero();
  }

  @Test
  void workerBeatFollowsServerSignals() {
    try (Client worker = Client.connect(config().wid("w-e2e").labels(List.of("java")).build())) {
      assertThat(worker.beat("w-e2e", 2048, WorkerState.RUNNING)).isEqualTo(WorkerState.RUNNING);
      server.workers().signal("w-e2e", dev.fabrik.server.workers.WorkerState.QUIET);
      assertThat(worker.beat("w-e2e", 2048, null)).isEqualTo(WorkerState.QUIET);
      assertThatThrownBy(() -> worker.beat("nobody", 1, null))
          .isInstanceOf(ServerErrorException.class)
          .hasMessageContaining("unknown worker");
    }
  }

  @Test
  void poolAgainstARealServer() {
    try (ClientPool pool = ClientPool.create(config().build(), 2, Duration.ofSeconds(2))) {
      pool.withClient(
          c -> {
            c.push(Jobs.of("Pooled"));
            return null;
          });
      Job fetched = pool.withClient(c -> c.fetch("default").orElseThrow());
      assertThat(fetched.jobtype()).isEqualTo("Pooled");
    }
  }

  @Test
  void poolSharedByManyThreads() throws Exception {
    int threads = 8;
    int perThread = 25;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try (ClientPool pool = ClientPool.create(config().build(), 3, Duration.ofSeconds(30))) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            executor.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    pool.execute(c -> c.push(Jobs.of("Concurrent")));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(pool.withClient(Client::info).queueSize("default"))
          .isEqualTo((long) threads * perThread);
      assertThat(pool.idleCount()).isLessThanOrEqualTo(3);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void wrongPasswordIsRefused() {
    ClientConfig wrong =
        ClientConfig.builder().host("127.0.0.1").port(server.port()).password("nope").build();
    assertThatThrownBy(() -> Client.connect(wrong)).isInstanceOf(ConnectionException.class);
  }
}
