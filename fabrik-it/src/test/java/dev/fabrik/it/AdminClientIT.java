package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.admin.AdminException;
import dev.fabrik.client.admin.BulkAction;
import dev.fabrik.client.admin.BulkTask;
import dev.fabrik.client.admin.FabrikAdmin;
import dev.fabrik.client.admin.Overview;
import dev.fabrik.client.admin.QueueInfo;
import dev.fabrik.client.admin.SetEntry;
import dev.fabrik.client.admin.SetFilter;
import dev.fabrik.client.admin.SetName;
import dev.fabrik.client.admin.SetPage;
import dev.fabrik.protocol.Job;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Java admin client ({@code dev.fabrik.client.admin}) against a real server's JSON API. */
class AdminClientIT {
  private InProcessServer server;
  private Client client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private FabrikAdmin start(String password) {
    var config = InProcessServer.base().storage("memory");
    if (password != null) {
      config.password(password);
    }
    server = InProcessServer.start(config);
    client =
        Client.connect(
            ClientConfig.builder()
                .host("127.0.0.1")
                .port(server.port())
                .password(password)
                .build());
    return FabrikAdmin.connect(URI.create("http://127.0.0.1:" + server.webPort()), password);
  }

  @Test
  void overviewAndQueuesPauseResumeRemove() {
    FabrikAdmin admin = start(null);
    client.push(Jobs.builder("Mail").queue("low").build());
    client.push(Jobs.builder("Mail").queue("low").build());

    Overview o = admin.overview();
    assertThat(o.enqueued()).isEqualTo(2);
    assertThat(o.queues()).extracting(QueueInfo::name).containsExactly("low");

    admin.pause("low");
    assertThat(admin.queues().getFirst().paused()).isTrue();
    assertThat(admin.queues().getFirst().size()).isEqualTo(2);
    admin.resume("low");
    assertThat(admin.queues().getFirst().paused()).isFalse();
    admin.remove("low");
    assertThat(admin.queues()).isEmpty();

    assertThatThrownBy(() -> admin.pause("nope"))
        .isInstanceOf(AdminException.NotFound.class)
        .hasMessageContaining("nope");
  }

  @Test
  void pagesFiltersAndActsOnSetEntries() {
    FabrikAdmin admin = start(null);
    Instant later = Instant.now().plus(Duration.ofHours(1));
    for (int i = 0; i < 5; i++) {
      client.push(Jobs.builder("Report").args(i).at(later.plusSeconds(i)).build());
    }
    client.push(Jobs.builder("Mail").args("needle").at(later).build());

    SetPage first = admin.setPage(SetName.SCHEDULED, SetFilter.of("Report", null), null, 2);
    assertThat(first.size()).isEqualTo(6);
    assertThat(first.entries()).hasSize(2);
    assertThat(first.next()).isNotNull();
    List<SetEntry> reports = admin.entries(SetName.SCHEDULED, SetFilter.of("Report", null), 100);
    assertThat(reports).hasSize(5).allMatch(e -> e.job().jobtype().equals("Report"));
    assertThat(admin.entries(SetName.SCHEDULED, SetFilter.of(null, "NEEDLE"), 100))
        .extracting(e -> e.job().jobtype())
        .containsExactly("Mail");

    assertThat(admin.act(SetName.SCHEDULED, BulkAction.DELETE, List.of(reports.get(0).key())))
        .isEqualTo(1);

    BulkTask count =
        admin.awaitTask(
            admin.startTask(SetName.SCHEDULED, BulkAction.COUNT, SetFilter.of("Report", null)),
            Duration.ofMillis(20),
            t -> {});
    assertThat(count.succeeded()).isTrue();
    assertThat(count.changed()).isEqualTo(4);
    assertThat(admin.overview().sets().get("scheduled")).isEqualTo(5); // count changes nothing

    List<BulkTask> seen = new ArrayList<>();
    BulkTask retry =
        admin.awaitTask(
            admin.startTask(SetName.SCHEDULED, BulkAction.ENQUEUE, SetFilter.of("Report", null)),
            Duration.ofMillis(20),
            seen::add);
    assertThat(retry.state()).isEqualTo("done");
    assertThat(retry.changed()).isEqualTo(4);
    assertThat(retry.total()).isNull(); // filtered: unknown until the walk ends
    assertThat(seen.getLast()).isEqualTo(retry);
    assertThat(admin.queues())
        .containsExactly(
            new QueueInfo("default", 4, admin.queues().getFirst().latencySeconds(), false));
    assertThat(admin.task(retry.id())).isEqualTo(retry);

    BulkTask all =
        admin.awaitTask(
            admin.startTask(SetName.SCHEDULED, BulkAction.KILL, SetFilter.ALL),
            Duration.ofMillis(20),
            t -> {});
    assertThat(all.total()).isEqualTo(1);
    assertThat(all.changed()).isEqualTo(1);
    assertThat(admin.overview().sets()).containsEntry("dead", 1L).containsEntry("scheduled", 0L);
  }

  @Test
  void badInputIsRefusedWithTypedErrors() {
    FabrikAdmin admin = start(null);
    assertThatThrownBy(() -> admin.setPage(SetName.DEAD, SetFilter.ALL, "zzz", 10))
        .isInstanceOf(AdminException.BadRequest.class)
        .hasMessageContaining("cursor");
    assertThatThrownBy(() -> admin.task("0123456789abcdef"))
        .isInstanceOf(AdminException.NotFound.class);
    assertThatThrownBy(() -> admin.quiet("no-such-worker"))
        .isInstanceOf(AdminException.NotFound.class);
    assertThatThrownBy(
            () -> admin.setPage(SetName.DEAD, SetFilter.of(null, "x".repeat(1001)), null, 10))
        .isInstanceOf(AdminException.BadRequest.class);
  }

  @Test
  void wrongPasswordAndServerDownAreTold() throws Exception {
    start("s3cret");
    URI url = URI.create("http://127.0.0.1:" + server.webPort());
    assertThat(FabrikAdmin.connect(url, "s3cret").workers()).isEmpty();
    assertThatThrownBy(() -> FabrikAdmin.connect(url, "wrong").overview())
        .isInstanceOf(AdminException.Unauthorized.class)
        .hasMessageContaining("password");

    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    assertThatThrownBy(
            () -> FabrikAdmin.connect(URI.create("http://127.0.0.1:" + closedPort), null).queues())
        .isInstanceOf(AdminException.Unreachable.class)
        .hasMessageContaining("cannot reach");
  }

  @Test
  void flushEmptiesEverything() {
    FabrikAdmin admin = start(null);
    Job job = Jobs.of("Mail");
    client.push(job);
    admin.flush();
    assertThat(admin.queues()).isEmpty();
    assertThat(admin.overview().enqueued()).isZero();
  }
}
