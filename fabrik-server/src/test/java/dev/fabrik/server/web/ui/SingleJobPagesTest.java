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
 * The queue page's Delete and Run next buttons and the search box's result page, over real HTTP.
 */
class SingleJobPagesTest {
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
  void deleteAndRunNextFromTheQueuePage() throws Exception {
    push("mail", "mail-job-0000");
    push("mail", "mail-job-0001");
    push("mail", "mail-job-0002");
    String page = pages.get("/queues/mail").body();
    assertThat(page)
        .contains("action=\"/queues/mail/jobs/mail-job-0001/delete\"")
        .contains("action=\"/queues/mail/jobs/mail-job-0002/front\"")
        .contains("name=\"jid\""); // the search box of the layout
    String token = csrf(page);

    HttpResponse<String> deleted =
        pages.post(
            "/queues/mail/jobs/mail-job-0001/delete",
            "csrf=" + enc(token) + "&back=%2Fqueues%2Fmail");
    assertThat(deleted.statusCode()).isEqualTo(303);
    assertThat(deleted.headers().firstValue("Location")).hasValue("/queues/mail");
    assertThat(pages.get("/queues/mail", cookie(deleted)).body())
        .contains("Job mail-job-0001 deleted from mail")
        .doesNotContain("data-jid=\"mail-job-0001\"");

    HttpResponse<String> moved =
        pages.post(
            "/queues/mail/jobs/mail-job-0002/front",
            "csrf=" + enc(token) + "&back=https%3A%2F%2Fevil.example%2F");
    assertThat(moved.headers().firstValue("Location"))
        .as("only our own pages")
        .hasValue("/queues/mail");
    String after = pages.get("/queues/mail", cookie(moved)).body();
    assertThat(after).contains("Job mail-job-0002 moved to the front of mail");
    assertThat(after.indexOf("data-jid=\"mail-job-0002\""))
        .isLessThan(after.indexOf("data-jid=\"mail-job-0000\""));

    HttpResponse<String> again =
        pages.post("/queues/mail/jobs/mail-job-0001/delete", "csrf=" + enc(token));
    assertThat(again.statusCode()).isEqualTo(303);
    assertThat(pages.get("/queues/mail", cookie(again)).body())
        .contains("flash-error")
        .contains("job mail-job-0001 is not queued in mail");
    assertThat(pages.post("/queues/mail/jobs/mail-job-0000/delete", "csrf=wrong").statusCode())
        .isEqualTo(403);
    assertThat(pages.get("/queues/mail").body()).contains("id=\"queue-size\">2<");
  }

  @Test
  void theSearchPageListsEveryPlaceOfAJid() throws Exception {
    push("mail", "find-me-0001");
    push("bill", "find-me-0001");

    String found = pages.get("/search?jid=find-me-0001").body();
    assertThat(found)
        .contains("Found in 2 places.")
        .contains("Queued in mail")
        .contains("Queued in bill")
        .contains("action=\"/queues/bill/jobs/find-me-0001/delete\"")
        .contains("name=\"back\" value=\"/search?jid=find-me-0001\"");
    assertThat(pages.get("/search?jid=nobody-0001").body()).contains("id=\"search-none\"");
    assertThat(pages.get("/search").body()).contains("Type a job");
    assertThat(pages.get("/search?jid=" + "x".repeat(1001)).statusCode()).isEqualTo(400);
  }

  private void push(String queue, String jid) throws Exception {
    try (RawClient c = RawClient.producer(server.port())) {
      String job =
          "{\"jid\":\"" + jid + "\",\"jobtype\":\"Mail\",\"args\":[],\"queue\":\"" + queue + "\"}";
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
