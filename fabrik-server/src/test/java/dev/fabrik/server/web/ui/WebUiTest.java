package dev.fabrik.server.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import java.io.IOException;
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
 * The HTML routes over real HTTP: every page renders in the layout, data is escaped, POSTs need the
 * CSRF token and answer with a redirect and a flash, bad input gets a 4xx page.
 */
class WebUiTest {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final String EVIL = "<script>alert(1)</script>";

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
  void everyPageRendersInTheLayoutWithLinksToEveryOther() throws Exception {
    push("{\"jid\":\"mail-job-0001\",\"jobtype\":\"Mail\",\"args\":[1],\"queue\":\"mail\"}");
    for (String path :
        new String[] {"/", "/queues", "/queues/mail", "/busy", "/retries", "/scheduled", "/dead"}) {
      HttpResponse<String> page = pages.get(path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("Content-Security-Policy"))
          .hasValue(Pages.CONTENT_SECURITY_POLICY);
      assertThat(page.headers().firstValue("Server-Timing"))
          .hasValueSatisfying(t -> assertThat(t).matches("app;dur=\\d+\\.\\d"));
      for (Nav nav : Nav.values()) {
        assertThat(page.body()).as(path).contains("<a href=\"" + nav.path() + "\"");
      }
    }
    assertThat(pages.get("/queues/mail").body()).contains("mail-job-0001").contains("Mail");
  }

  @Test
  void jobDataIsEscapedOnTheSetPageAndTheJobPage() throws Exception {
    String key = deadJob("evil-job-0001", "<b>Type</b>", EVIL);

    String list = pages.get("/dead").body();
    assertThat(list).doesNotContain(EVIL).doesNotContain("<b>Type</b>");
    assertThat(list).contains("&lt;b&gt;Type&lt;/b&gt;").contains("&lt;script&gt;");

    HttpResponse<String> job = pages.get("/dead/" + URLEncoder.encode(key, StandardCharsets.UTF_8));
    assertThat(job.statusCode()).isEqualTo(200);
    assertThat(job.body()).doesNotContain(EVIL).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
  }

  @Test
  void postWithoutTheCsrfTokenIsRefusedAndChangesNothing() throws Exception {
    String key = deadJob("dead-job-0001", "Mail", "x");

    HttpResponse<String> refused = pages.post("/dead/actions", "action=retry&key=" + enc(key));

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("CSRF");
    assertThat(pages.get("/dead").body()).contains("dead-job-0001").contains("1 job in dead");
    assertThat(pages.get("/queues/default").body()).doesNotContain("dead-job-0001");
  }

  @Test
  void retryFromTheJobPageRedirectsWithAFlashAndRequeues() throws Exception {
    String key = deadJob("dead-job-0002", "Mail", "x");
    String token = csrf("/dead/" + enc(key));

    HttpResponse<String> done =
        pages.post("/dead/actions", "csrf=" + enc(token) + "&action=retry&key=" + enc(key));

    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location")).hasValue("/dead");
    String cookie = done.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    HttpResponse<String> after = pages.get("/dead", cookie);
    assertThat(after.body()).contains("1 job retried").doesNotContain("dead-job-0002");
    assertThat(pages.get("/queues/default").body()).contains("dead-job-0002");
  }

  @Test
  void actOnAllMatchingUsesTheFilter() throws Exception {
    deadJob("keep-job-0001", "Keep", "x");
    deadJob("drop-job-0001", "Drop", "x");
    String token = csrf("/dead");

    HttpResponse<String> done =
        pages.post("/dead/actions", "csrf=" + enc(token) + "&all=delete&type=Drop");

    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location")).hasValue("/dead?type=Drop");
    String dead = pages.get("/dead").body();
    assertThat(dead).contains("keep-job-0001").doesNotContain(">drop-job-0001<");
  }

  @Test
  void setPagesPageByCursorAndOrderNewestFirst() throws Exception {
    for (int i = 0; i < 27; i++) {
      deadJob(String.format("page-job-%04d", i), "Mail", "x");
    }
    String first = pages.get("/dead").body();
    assertThat(rows(first)).isEqualTo(25);
    assertThat(first).contains(">page-job-0000<").doesNotContain("First page");
    Matcher next = Pattern.compile("href=\"(/dead\\?cursor=[^\"]+)\" rel=\"next\"").matcher(first);
    assertThat(next.find()).isTrue();

    String second = pages.get(next.group(1).replace("&amp;", "&")).body();
    assertThat(rows(second)).isEqualTo(2);
    assertThat(second)
        .contains(">page-job-0026<")
        .contains("First page")
        .doesNotContain("rel=\"next\"");

    String newest = pages.get("/dead?order=desc").body();
    assertThat(newest.indexOf(">page-job-0026<")).isLessThan(newest.indexOf(">page-job-0025<"));
    assertThat(newest).contains("<option value=\"desc\" selected>");
  }

  @Test
  void withAPasswordPagesWantBasicAuth() throws Exception {
    server.stop(Duration.ofSeconds(5));
    server = TestServers.start(TestServers.config().webPort(0).password("s3cret").build());
    pages.close();
    pages = new PageClient(server.webPort());

    HttpResponse<String> refused = pages.get("/");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("WWW-Authenticate")).isPresent();
    String auth =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString(":s3cret".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> page =
        pages.send(pages.request("/dead").header("Authorization", auth).build());
    assertThat(page.statusCode()).isEqualTo(200);
  }

  @Test
  void pauseAndResumeAQueue() throws Exception {
    push("{\"jid\":\"paused-job-0001\",\"jobtype\":\"T\",\"args\":[],\"queue\":\"pq\"}");
    String token = csrf("/queues");

    assertThat(pages.post("/queues/pq/pause", "csrf=" + enc(token)).statusCode()).isEqualTo(303);
    assertThat(pages.get("/queues").body()).contains("badge-warn\">paused");
    try (RawClient w = RawClient.worker(server.port(), "w1")) {
      assertThat(w.call("FETCH pq")).isEqualTo("$-1\r\n");
    }
    assertThat(pages.post("/queues/pq/resume", "csrf=" + enc(token)).statusCode()).isEqualTo(303);
    assertThat(pages.get("/queues").body()).doesNotContain("badge-warn\">paused");
  }

  @Test
  void unknownJobBadCursorAndUnknownPageAreErrorPagesInTheLayout() throws Exception {
    HttpResponse<String> missing = pages.get("/dead/1700000000_0_1_nope-job-0001");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("<nav").contains("Not found");

    HttpResponse<String> cursor = pages.get("/retries?cursor=not-a-cursor");
    assertThat(cursor.statusCode()).isEqualTo(400);
    assertThat(cursor.body()).contains("<nav").contains("Bad request");
    assertThat(pages.get("/dead?order=newest").body()).contains("order must be asc or desc");

    HttpResponse<String> page = pages.get("/nowhere");
    assertThat(page.statusCode()).isEqualTo(404);
    assertThat(page.body()).contains("<nav");

    assertThat(pages.get("/queues/nosuchqueue").statusCode()).isEqualTo(404);
  }

  @Test
  void assetsAreCachedAndRevalidatedByEtag() throws Exception {
    HttpResponse<String> css = pages.get("/static/app.css");
    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
    assertThat(css.headers().firstValue("Cache-Control")).hasValue("public, max-age=86400");
    String etag = css.headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> again =
        pages.send(pages.request("/static/app.css").header("If-None-Match", etag).build());
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(pages.get("/static/app.js").statusCode()).isEqualTo(200);
    assertThat(pages.get("/static/nope.js").statusCode()).isEqualTo(404);
  }

  // ---------------------------------------------------------------- helpers

  /** Pushes a retry:-1 job, fetches and fails it: it lands in dead. Returns its entry key. */
  @Test
  void aSearchThatFindsNothingWithinItsBudgetOffersToKeepSearching() throws Exception {
    // More scheduled jobs than one filtered page reads (Store.SCAN_BUDGET), none matching.
    int jobs = dev.fabrik.server.storage.Store.SCAN_BUDGET + 10;
    try (RawClient c = RawClient.producer(server.port())) {
      for (int from = 0; from < jobs; from += 1000) {
        StringBuilder bulk = new StringBuilder("PUSHB [");
        for (int i = from; i < Math.min(jobs, from + 1000); i++) {
          bulk.append(i == from ? "" : ",")
              .append("{\"jid\":\"")
              .append(String.format("sched-%06d", i))
              .append("\",\"jobtype\":\"T\",\"args\":[],\"at\":\"2099-01-01T00:00:00Z\"}");
        }
        assertThat(c.call(bulk.append("]").toString())).isEqualTo("$2\r\n{}\r\n");
      }
    }
    String page = pages.get("/scheduled?q=needle").body();
    assertThat(rows(page)).isZero();
    assertThat(page)
        .contains("No match among the jobs searched so far")
        .contains(">Keep searching<");
    Matcher more = Pattern.compile("href=\"(/scheduled\\?[^\"]+)\" rel=\"next\"").matcher(page);
    assertThat(more.find()).isTrue();
    String last = pages.get(more.group(1).replace("&amp;", "&")).body();
    assertThat(last).contains("No jobs match this filter.").doesNotContain("rel=\"next\"");
  }

  private String deadJob(String jid, String jobtype, String arg) throws Exception {
    String argJson = "\"" + arg.replace("\"", "\\\"") + "\"";
    push(
        "{\"jid\":\""
            + jid
            + "\",\"jobtype\":\""
            + jobtype
            + "\",\"args\":["
            + argJson
            + "],\"retry\":-1}");
    try (RawClient w = RawClient.worker(server.port(), "w-" + jid)) {
      assertThat(w.call("FETCH default")).contains(jid);
      assertThat(w.call("FAIL {\"jid\":\"" + jid + "\",\"message\":\"boom\",\"errtype\":\"E\"}"))
          .isEqualTo("+OK\r\n");
    }
    Matcher m =
        Pattern.compile("href=\"/dead/([^\"]+)\">" + Pattern.quote(escape(jid)) + "<")
            .matcher(pages.get("/dead?order=desc").body());
    assertThat(m.find()).as("dead page lists %s", jid).isTrue();
    return java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
  }

  private void push(String job) throws IOException {
    try (RawClient c = RawClient.producer(server.port())) {
      assertThat(c.call("PUSH " + job).strip()).isEqualTo("+OK");
    }
  }

  private static int rows(String html) {
    return html.split("<tr data-jid=", -1).length - 1;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private String csrf(String path) throws Exception {
    Matcher m = CSRF.matcher(pages.get(path).body());
    assertThat(m.find()).as("a form on %s", path).isTrue();
    return m.group(1);
  }
}
