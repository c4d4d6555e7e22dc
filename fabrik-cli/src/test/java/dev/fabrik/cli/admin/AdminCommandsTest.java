package dev.fabrik.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.cli.Main;
import dev.fabrik.client.Batch;
import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.admin.FabrikAdmin;
import dev.fabrik.client.admin.SetFilter;
import dev.fabrik.client.admin.SetName;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.config.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Each operator command against a real server, bad input and exit codes included. */
class AdminCommandsTest {
  private FabrikServer server;
  private Client client;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();
  private final InputStream stdin = System.in;

  @AfterEach
  void stop() {
    System.setIn(stdin);
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void start(String password) {
    server =
        FabrikServer.start(
            ServerConfig.builder()
                .port(0)
                .webPort(0)
                .storage("memory")
                .handshakeTimeout(Duration.ofSeconds(30))
                .password(password)
                .build());
    client =
        Client.connect(
            ClientConfig.builder()
                .host("127.0.0.1")
                .port(server.port())
                .password(password)
                .build());
  }

  private String url() {
    return "http://127.0.0.1:" + server.webPort();
  }

  /** Runs {@code fabrik args... --url URL} with fresh output buffers. */
  private int fabrik(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] withUrl = new String[args.length + 2];
    System.arraycopy(args, 0, withUrl, 0, args.length);
    withUrl[args.length] = "--url";
    withUrl[args.length + 1] = url();
    return cli.execute(withUrl);
  }

  private void answer(String line) {
    System.setIn(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)));
  }

  private void schedule(String type, int n, String arg) {
    Instant later = Instant.now().plus(Duration.ofHours(1));
    for (int i = 0; i < n; i++) {
      client.push(Jobs.builder(type).args(arg, i).at(later.plusSeconds(i)).build());
    }
  }

  private FabrikAdmin admin() {
    return FabrikAdmin.connect(URI.create(url()), null);
  }

  @Test
  void statusShowsTheDashboardFigures() {
    start(null);
    client.push(Jobs.builder("Mail").queue("critical").build());
    assertThat(fabrik("status")).isZero();
    assertThat(out.toString()).contains("enqueued 1", "retries 0", "QUEUE", "critical");
    assertThat(fabrik("status", "--json")).isZero();
    assertThat(out.toString()).startsWith("{").contains("\"enqueued\":1");
  }

  @Test
  void queuesListPauseResumeAndRemove() {
    start(null);
    client.push(Jobs.builder("Mail").queue("critical").build());
    client.push(Jobs.builder("Mail").queue("low").build());

    assertThat(fabrik("queues")).isZero();
    assertThat(out.toString()).contains("critical", "low", "PAUSED");
    assertThat(fabrik("queues", "pause", "critical", "low")).isZero();
    assertThat(out.toString()).contains("critical paused", "low paused");
    assertThat(admin().queues()).allMatch(q -> q.paused());
    assertThat(fabrik("queues", "resume", "low", "--json")).isZero();
    assertThat(out.toString()).contains("\"name\":\"low\"", "\"paused\":false");

    // A typo anywhere: nothing changes, exit 4.
    assertThat(fabrik("queues", "resume", "critical", "critcal")).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(err.toString()).contains("unknown queue critcal", "nothing changed");
    assertThat(admin().queues().getFirst().paused()).isTrue();

    answer(""); // no answer: no
    assertThat(fabrik("queues", "remove", "low")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("Remove 1 queue holding 1 job?", "not confirmed");
    assertThat(admin().queues()).hasSize(2);
    answer("y\n");
    assertThat(fabrik("queues", "remove", "low")).isZero();
    assertThat(fabrik("queues", "remove", "critical", "--yes")).isZero();
    assertThat(admin().queues()).isEmpty();
    assertThat(fabrik("queues")).isZero();
    assertThat(out.toString()).contains("no queues");
  }

  @Test
  void jobsListsASetWithTheWebUisFilters() {
    start(null);
    schedule("Report", 3, "monthly");
    schedule("Mail", 2, "welcome");

    assertThat(fabrik("jobs", "scheduled", "--type", "Report")).isZero();
    assertThat(out.toString())
        .contains("RUNS AT", "Report", "3 shown (type Report); 5 in scheduled");
    assertThat(out.toString()).doesNotContain("Mail");
    assertThat(fabrik("jobs", "scheduled", "-q", "WELCOME", "--limit", "1")).isZero();
    assertThat(out.toString()).contains("Mail", "1 shown", "(--limit shows more)");
    assertThat(fabrik("jobs", "scheduled", "--order", "desc", "--json", "--limit", "2")).isZero();
    assertThat(out.toString()).contains("\"size\":5", "\"order\":\"desc\"");
    assertThat(fabrik("jobs", "dead")).isZero();
    assertThat(out.toString()).contains("no dead jobs");

    assertThat(fabrik("jobs", "graveyard")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("graveyard");
    assertThat(fabrik("jobs", "dead", "--order", "sideways")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--order must be asc or desc");
    assertThat(fabrik("jobs", "dead", "-q", "x".repeat(1001))).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("at most 1000");
  }

  @Test
  void bulkActionsCountAskAndRunAsServerTasks() {
    start(null);
    schedule("Report", 3, "monthly");
    schedule("Mail", 2, "welcome");

    answer("n\n");
    assertThat(fabrik("kill", "scheduled", "--type", "Report")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("Kill 3 scheduled jobs (type Report)? [y/N]");
    assertThat(admin().overview().sets()).containsEntry("dead", 0L);

    answer("yes\n");
    assertThat(fabrik("kill", "scheduled", "--type", "Report")).isZero();
    assertThat(out.toString()).contains("killed 3 scheduled jobs (type Report)");
    assertThat(admin().overview().sets()).containsEntry("dead", 3L).containsEntry("scheduled", 2L);

    assertThat(fabrik("retry", "dead", "-q", "nothing-matches", "--yes")).isZero();
    assertThat(out.toString())
        .contains("no dead jobs (matching \"nothing-matches\"); nothing to do");

    String key = admin().setPage(SetName.DEAD, SetFilter.ALL, null, 1).entries().getFirst().key();
    assertThat(fabrik("delete", "dead", "--key", key, "--yes")).isZero();
    assertThat(out.toString()).contains("deleted 1 of 1 selected dead jobs");

    assertThat(fabrik("retry", "dead", "--yes", "--json")).isZero();
    assertThat(out.toString()).contains("\"state\":\"done\"", "\"changed\":2", "\"total\":2");
    assertThat(admin().queues().getFirst().size()).isEqualTo(2);

    assertThat(fabrik("delete", "scheduled", "--yes")).isZero();
    assertThat(out.toString()).contains("deleted 2 scheduled jobs");
    assertThat(fabrik("delete", "dead", "--key", "not-a-key", "--yes")).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void flushAsksFirst() {
    start(null);
    client.push(Jobs.of("Mail"));
    answer("");
    assertThat(fabrik("flush")).isEqualTo(ExitCodes.FAILED);
    assertThat(admin().queues()).hasSize(1);
    assertThat(fabrik("flush", "--yes")).isZero();
    assertThat(out.toString()).contains("flushed");
    assertThat(admin().queues()).isEmpty();
  }

  @Test
  void cronListsEntries() {
    start(null);
    assertThat(fabrik("cron")).isZero();
    assertThat(out.toString()).contains("no cron entries");
    assertThat(fabrik("cron", "--json")).isZero();
    assertThat(out.toString()).contains("\"entries\":[]");
  }

  @Test
  void batchesListsProgressAndShowsOneBatch() {
    start(null);
    assertThat(fabrik("batches")).isZero();
    assertThat(out.toString()).contains("no batches");

    Batch batch =
        Batch.builder()
            .description("nightly import")
            .onComplete(Jobs.of("ImportDone"))
            .create(client);
    batch.push(Jobs.builder("Import").queue("imports").args(1).build());
    batch.push(Jobs.builder("Import").queue("imports").args(2).build());
    batch.commit();
    assertThat(fabrik("batches")).isZero();
    assertThat(out.toString())
        .contains("BID", batch.bid(), "nightly import", "committed", "waiting");
    assertThat(fabrik("batches", batch.bid())).isZero();
    assertThat(out.toString()).contains("2 total, 2 pending, 0 failed", "complete:     waiting");
    assertThat(fabrik("batches", batch.bid(), "--json")).isZero();
    assertThat(out.toString()).contains("\"pending_jids\":[");

    assertThat(fabrik("batches", "b-nosuchbatch")).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(fabrik("batches", "--limit", "0")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--limit must be from 1 to 1000");
  }

  @Test
  void wrongPasswordAndServerDownHaveTheirExitCodes() throws Exception {
    start("s3cret");
    assertThat(fabrik("status", "--password", "s3cret")).isZero();
    assertThat(fabrik("status", "--password", "wrong")).isEqualTo(ExitCodes.AUTH);
    assertThat(err.toString()).contains("fabrik status:", "password");
    assertThat(fabrik("queues")).isEqualTo(ExitCodes.AUTH);

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    CommandLine cli = Main.commandLine();
    StringWriter e = new StringWriter();
    cli.setErr(new PrintWriter(e, true));
    assertThat(cli.execute("status", "--url", "http://127.0.0.1:" + closed))
        .isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(e.toString()).contains("cannot reach the Fabrik admin API");
    assertThat(fabrik("status", "--bogus")).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void eventsFollowPrintsTheLiveStream() throws Exception {
    start(null);
    assertThat(fabrik("events")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("give --follow");

    StringWriter followed = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(followed, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    var exit =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                cli.execute(
                    "events", "--follow", "--jobtype", "Mail", "--count", "3", "--url", url()));
    FabrikAdmin admin = admin();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> admin.getJson("api/events/stats").path("subscribers").asLong() == 1);
    client.push(Jobs.of("Other"));
    var job = Jobs.of("Mail");
    client.push(job);
    client.fetch("default"); // Other
    client.fetch("default"); // Mail
    client.ack(job.jid());
    assertThat(exit.get(20, java.util.concurrent.TimeUnit.SECONDS)).isZero();
    assertThat(followed.toString().lines())
        .hasSize(3)
        .allMatch(l -> l.contains("Mail  default  " + job.jid()));
    assertThat(followed.toString()).contains("pushed", "fetched", "acked").doesNotContain("Other");
  }
}
