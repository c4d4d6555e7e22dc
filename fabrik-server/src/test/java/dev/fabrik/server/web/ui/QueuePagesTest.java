package dev.fabrik.server.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One queue's page (its header: size, latency, state, pause/resume/remove) and a queued job's page,
 * over real HTTP; and the Busy page's markup for its Live toggle.
 */
class QueuePagesTest {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  private PageClient pages;
  private FabrikServer server;

  @BeforeEach
  void start() {
    server = TestServers.start(TestServers.config().webPort(0).build());
    pages = new PageClient(server.webPort());
  }

  @AfterEach
  void stop() {
    pages.close();
    server.stop(Duration.ofSeconds(5));
  }

  @Test
  void pauseResumeAndRemoveFromTheQueuesOwnPage() throws Exception {
    push("pq", "paused-job-0001", "[]");
    String page = pages.get("/queues/pq").body();
    assertThat(page)
        .contains("id=\"queue-size\">1<")
        .contains("id=\"queue-latency\"")
        .contains("id=\"queue-state\">active<")
        .contains("action=\"/queues/pq/pause\"");
    String token = csrf(page);

    HttpResponse<String> paused =
        pages.post("/queues/pq/pause", "csrf=" + enc(token) + "&from=queue");
    assertThat(paused.statusCode()).isEqualTo(303);
    assertThat(paused.headers().firstValue("Location")).hasValue("/queues/pq");
    String after = pages.get("/queues/pq", cookie(paused)).body();
    assertThat(after)
        .contains("Queue pq paused")
        .contains("id=\"queue-state\">paused<")
        .contains("action=\"/queues/pq/resume\"")
        .doesNotContain("action=\"/queues/pq/pause\"");
    try (RawClient w = RawClient.worker(server.port(), "w1")) {
      assertThat(w.call("FETCH pq")).isEqualTo("$-1\r\n");
    }

    HttpResponse<String> resumed =
        pages.post("/queues/pq/resume", "csrf=" + enc(token) + "&from=queue");
    assertThat(resumed.headers().firstValue("Location")).hasValue("/queues/pq");
    assertThat(pages.get("/queues/pq").body()).contains("id=\"queue-state\">active<");

    // The queue's page is gone after a remove, so that one leads to the list.
    HttpResponse<String> removed =
        pages.post("/queues/pq/remove", "csrf=" + enc(token) + "&from=queue");
    assertThat(removed.headers().firstValue("Location")).hasValue("/queues");
    assertThat(pages.get("/queues/pq").statusCode()).isEqualTo(404);
  }

  @Test
  void pauseWithoutTheCsrfTokenIsRefusedAndChangesNothing() throws Exception {
    push("pq", "paused-job-0002", "[]");
    HttpResponse<String> refused = pages.post("/queues/pq/pause", "from=queue");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("CSRF");
    assertThat(pages.get("/queues/pq").body()).contains("id=\"queue-state\">active<");
  }

  @Test
  void eachQueuedJobLinksToItsOwnPage() throws Exception {
    push("mail", "mail-job-0000", "[0]");
    push("mail", "mail-job-0001", "[\"<script>alert(1)</script>\"]");
    push("mail", "mail-job-0002", "[2]");
    Matcher link =
        Pattern.compile("href=\"(/queues/mail/jobs/1\\?jid=mail-job-0001)\"")
            .matcher(pages.get("/queues/mail").body());
    assertThat(link.find()).isTrue();

    HttpResponse<String> job = pages.get(link.group(1));
    assertThat(job.statusCode()).isEqualTo(200);
    assertThat(job.body())
        .contains("<title>Job mail-job-0001 · Fabrik</title>")
        .contains("id=\"job-place\">In queue mail<")
        .contains("id=\"jid\">mail-job-0001<")
        .contains("<dt>Position</dt><dd>#2 of 3</dd>")
        .contains("href=\"/queues/mail\">Back to queue mail<")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>alert(1)")
        .doesNotContain("name=\"action\""); // no per-job actions on a queued job
  }

  @Test
  void aQueuedJobThatMovedSaysSoAndOneThatLeftIsA404Page() throws Exception {
    push("mail", "mail-job-0000", "[0]");
    push("mail", "mail-job-0001", "[1]");
    try (RawClient w = RawClient.worker(server.port(), "w1")) {
      assertThat(w.call("FETCH mail")).contains("mail-job-0000");
    }
    HttpResponse<String> moved = pages.get("/queues/mail/jobs/1?jid=mail-job-0001");
    assertThat(moved.statusCode()).isEqualTo(200);
    assertThat(moved.body()).contains("#1 of 1 (listed as #2; jobs ahead were fetched)");

    HttpResponse<String> gone = pages.get("/queues/mail/jobs/0?jid=mail-job-0000");
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.body()).contains("<nav").contains("it may have been fetched");
    assertThat(pages.get("/queues/mail/jobs/0?jid=other-job-0000").statusCode()).isEqualTo(404);
    assertThat(pages.get("/queues/nope/jobs/0?jid=mail-job-0001").statusCode()).isEqualTo(404);
    HttpResponse<String> bad = pages.get("/queues/mail/jobs/one?jid=mail-job-0001");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("Bad request").contains("bad position");
    assertThat(pages.get("/queues/mail/jobs/-3?jid=mail-job-0001").statusCode()).isEqualTo(400);
    assertThat(pages.get("/queues/mail/jobs/0").statusCode()).isEqualTo(400);
  }

  @Test
  void theBusyPageCarriesWhatItsLiveToggleNeeds() throws Exception {
    String busy = pages.get("/busy").body();
    // The toggle stays hidden until app.js shows it (without scripts it could do nothing).
    assertThat(busy)
        .contains("data-busy-url=\"/api/busy?limit=" + BusyRoutes.JOB_LIMIT + "\"")
        .contains("data-csrf=\"" + csrf(busy) + "\"")
        .contains("id=\"live-tools\" hidden")
        .contains("id=\"live-toggle\"")
        .contains("<tbody id=\"worker-rows\">")
        .contains("<tbody id=\"job-rows\">");
    assertThat(pages.get("/static/app.js").body()).contains("fabrik.busy.live");
  }

  // ---------------------------------------------------------------- helpers

  private void push(String queue, String jid, String args) throws Exception {
    try (RawClient c = RawClient.producer(server.port())) {
      String job =
          "{\"jid\":\""
              + jid
              + "\",\"jobtype\":\"Mail\",\"args\":"
              + args
              + ",\"queue\":\""
              + queue
              + "\"}";
      assertThat(c.call("PUSH " + job).strip()).isEqualTo("+OK");
    }
  }

  private static String csrf(String page) {
    Matcher m = CSRF.matcher(page);
    assertThat(m.find()).as("a form with the CSRF token").isTrue();
    return m.group(1);
  }

  private static String cookie(HttpResponse<String> r) {
    return r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
