package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.ProtocolConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Cron end to end, on real server processes: conf.d entries reloaded on SIGHUP and worked by the
 * npm faktory-worker; a kill -9 around ticks (no tick twice, missed ticks per catch_up); entries
 * added, paused and removed through the JSON API and still so after a restart.
 */
class CronIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private Path config() throws IOException {
    return Files.createDirectories(dir.resolve("config").resolve("conf.d")).getParent();
  }

  private void conf(String file, String toml) throws IOException {
    Files.writeString(config().resolve("conf.d").resolve(file), toml);
  }

  private ServerProcess start() throws IOException {
    return ServerProcess.startWithWeb(
        dir.resolve("data"), 0, List.of("--config-dir", config().toString()));
  }

  private static void awaitLog(ServerProcess server, String text) {
    await("log line " + text)
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> server.log().contains(text));
  }

  @Test
  void confdEntriesReloadOnSighupAndANodeWorkerRunsTheirJobs() throws Exception {
    conf(
        "10-cron.toml",
        """
        [[cron]]
          name = "first"
          schedule = "* * * * * *"
          [cron.job]
            type = "CronFirst"
            queue = "cron-first"
            args = ["hello"]
        """);
    try (ServerProcess server = start()) {
      awaitLog(server, "cron: 1 entries from conf.d (0 refused)");
      String url = "tcp://127.0.0.1:" + server.port();
      JsonNode ok = NodeScript.run("cron-work.js", url, TIMEOUT, "CronFirst", "cron-first", "2");
      JsonNode ran = ok.path("ran");
      assertThat(ran).hasSizeGreaterThanOrEqualTo(2);
      assertThat(ran.get(0).path("cron").path("id").asString()).isEqualTo("first");
      assertThat(ran.get(0).path("cron").path("tick").asString())
          .isNotEqualTo(ran.get(1).path("cron").path("tick").asString());

      // a second file, with one good and one bad entry; no restart
      conf(
          "20-more.toml",
          """
          [[cron]]
            name = "second"
            schedule = "@every 1s"
            [cron.job]
              type = "CronSecond"
              queue = "cron-second"
          [[cron]]
            name = "broken"
            schedule = "@daily"
            timezone = "Mars/Olympus"
            [cron.job]
              type = "Never"
          """);
      server.hangup();
      awaitLog(server, "cron: 2 entries from conf.d (1 refused)");
      assertThat(server.log()).contains("unknown timezone \"Mars/Olympus\"");
      try (ProtocolConnection conn = server.connect()) {
        JsonNode job = awaitJob(conn, "cron-second");
        assertThat(job.path("jobtype").asString()).isEqualTo("CronSecond");
        assertThat(job.path("custom").path("cron").path("id").asString()).isEqualTo("second");
      }

      Files.delete(config().resolve("conf.d").resolve("10-cron.toml"));
      server.hangup();
      awaitLog(server, "cron: 1 entries from conf.d (1 refused)");
      JsonNode listed = new Api(server.webPort()).get("/api/cron").body();
      assertThat(listed.path("entries").findValuesAsString("id")).containsExactly("second");
      assertThat(listed.path("errors").toString()).contains("Mars/Olympus");
    }
  }

  /**
   * Three entries every 2 s, one per catch_up policy; the server is killed right after a tick and
   * stays down for 25 s (more than the 10 s after which a tick counts as missed).
   */
  @Test
  void aKillAroundATickNeverFiresATickTwiceAndMissedTicksFollowCatchUp() throws Exception {
    StringBuilder toml = new StringBuilder();
    for (String policy : List.of("none", "last", "all")) {
      toml.append(
          """
          [[cron]]
            name = "%s"
            schedule = "@every 2s"
            catch_up = "%s"
            [cron.job]
              type = "CronCrash"
              queue = "q-%s"
          """
              .formatted(policy, policy, policy));
    }
    conf("10-cron.toml", toml.toString());
    ServerProcess first = start();
    Instant killedAt;
    try {
      awaitLog(first, "cron: 3 entries from conf.d (0 refused)");
      try (ProtocolConnection conn = first.connect()) {
        await().atMost(TIMEOUT).until(() -> Wire.queueSize(Wire.info(conn), "q-all") >= 3);
      }
      // Kill within a few milliseconds after a tick is due: while it is being claimed.
      while (System.currentTimeMillis() % 2000 > 15) {
        Thread.onSpinWait();
      }
      first.kill();
      killedAt = Instant.now();
    } finally {
      first.close();
    }
    Thread.sleep(25_000); // the downtime itself is what is under test
    Instant restartedAt = Instant.now();
    try (ServerProcess second = start()) {
      awaitLog(second, "cron: 3 entries from conf.d (0 refused)");
      try (ProtocolConnection conn = second.connect()) {
        long atStart = Wire.queueSize(Wire.info(conn), "q-none");
        await("two ticks after the restart")
            .atMost(TIMEOUT)
            .until(() -> Wire.queueSize(Wire.info(conn), "q-none") >= atStart + 2);
      }
    }
    // A third run without conf.d entries just to read what the first two pushed.
    Files.delete(config().resolve("conf.d").resolve("10-cron.toml"));
    try (ServerProcess reader = start();
        ProtocolConnection conn = reader.connect()) {
      awaitLog(reader, "cron: 0 entries");
      List<Instant> none = ticks(conn, "q-none");
      List<Instant> last = ticks(conn, "q-last");
      List<Instant> all = ticks(conn, "q-all");
      String context = "killed " + killedAt + ", restarted " + restartedAt;
      for (List<Instant> ticks : List.of(none, last, all)) {
        assertThat(new HashSet<>(ticks)).as("no tick twice; %s", context).hasSameSizeAs(ticks);
      }
      // all: every tick from the first to the last, those missed while down included
      assertThat(maxGap(all)).as("all: %s %s", all, context).isEqualTo(Duration.ofSeconds(2));
      // none (and last, whose missed tick is covered by an on-time one): the downtime is a gap
      assertThat(maxGap(none))
          .as("none: %s %s", none, context)
          .isGreaterThan(Duration.ofSeconds(10));
      assertThat(maxGap(last))
          .as("last: %s %s", last, context)
          .isGreaterThan(Duration.ofSeconds(10));
      assertThat(all.getFirst()).isEqualTo(none.getFirst());
    }
  }

  private static List<Instant> ticks(ProtocolConnection conn, String queue) {
    long size = Wire.queueSize(Wire.info(conn), queue);
    List<Instant> out = new ArrayList<>();
    for (long i = 0; i < size; i++) {
      JsonNode job = Wire.fetch(conn, queue);
      out.add(Instant.parse(job.path("custom").path("cron").path("tick").asString()));
      Wire.ack(conn, job.path("jid").asString());
    }
    out.sort(null);
    return out;
  }

  private static Duration maxGap(List<Instant> ticks) {
    Duration max = Duration.ZERO;
    for (int i = 1; i < ticks.size(); i++) {
      Duration d = Duration.between(ticks.get(i - 1), ticks.get(i));
      max = d.compareTo(max) > 0 ? d : max;
    }
    return max;
  }

  @Test
  void apiEntriesAreAddedPausedAndRemovedAndSurviveRestarts() throws Exception {
    String jid;
    try (ServerProcess server = start()) {
      awaitLog(server, "cron: 0 entries");
      Api api = new Api(server.webPort());
      Api.Response added =
          api.post(
              "/api/cron",
              """
              {"name":"api-job","schedule":"@every 1s","timezone":"Europe/Berlin",
               "job":{"type":"ApiJob","queue":"api-q","args":[7]}}""");
      assertThat(added.status()).as(added.body().toString()).isEqualTo(201);
      assertThat(added.body().path("source").asString()).isEqualTo("api");
      assertThat(added.body().path("next")).hasSize(3);

      Api.Response bad =
          api.post("/api/cron", "{\"schedule\":\"every tuesday\",\"job\":{\"type\":\"X\"}}");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.body().path("error").asString()).contains("every tuesday");
      assertThat(api.postWithoutToken("/api/cron/api-job/pause")).isEqualTo(403);

      try (ProtocolConnection conn = server.connect()) {
        JsonNode job = awaitJob(conn, "api-q");
        assertThat(job.path("jobtype").asString()).isEqualTo("ApiJob");
        assertThat(job.path("custom").path("cron").path("id").asString()).isEqualTo("api-job");
      }
      assertThat(api.post("/api/cron/api-job/pause", "").body().path("paused").asBoolean())
          .isTrue();
      jid = api.post("/api/cron/api-job/run", "").body().path("jid").asString();
      assertThat(jid).isNotEmpty();
    }
    try (ServerProcess server = start()) {
      awaitLog(server, "cron: 0 entries");
      Api api = new Api(server.webPort());
      JsonNode entry = api.get("/api/cron/api-job").body();
      assertThat(entry.path("paused").asBoolean()).isTrue();
      assertThat(entry.path("last_jid").asString()).isEqualTo(jid);
      assertThat(entry.path("timezone").asString()).isEqualTo("Europe/Berlin");
      Api.Response removed = api.post("/api/cron/api-job/remove", "");
      assertThat(removed.body().path("removed").asBoolean()).isTrue();
    }
    try (ServerProcess server = start()) {
      awaitLog(server, "cron: 0 entries");
      Api api = new Api(server.webPort());
      assertThat(api.get("/api/cron/api-job").status()).isEqualTo(404);
      assertThat(api.get("/api/cron").body().path("entries")).isEmpty();
    }
  }

  private static JsonNode awaitJob(ProtocolConnection conn, String queue) {
    JsonNode[] job = new JsonNode[1];
    await("a job in " + queue)
        .atMost(TIMEOUT)
        .until(() -> (job[0] = Wire.fetch(conn, queue)) != null);
    Wire.ack(conn, job[0].path("jid").asString());
    return job[0];
  }

  /** The JSON API with the CSRF token every POST carries. */
  private static final class Api {
    record Response(int status, JsonNode body) {}

    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Api(int webPort) {
      this.base = "http://127.0.0.1:" + webPort;
    }

    Response get(String path) throws Exception {
      return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Response post(String path, String json) throws Exception {
      String token = get("/api/csrf").body().path("token").asString();
      return send(
          HttpRequest.newBuilder(URI.create(base + path))
              .header("X-CSRF-Token", token)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    int postWithoutToken(String path) throws Exception {
      return send(HttpRequest.newBuilder(URI.create(base + path))
              .POST(HttpRequest.BodyPublishers.noBody()))
          .status();
    }

    private Response send(HttpRequest.Builder request) throws Exception {
      HttpResponse<String> r =
          http.send(
              request.timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), JobCodec.MAPPER.readTree(r.body()));
    }
  }
}
