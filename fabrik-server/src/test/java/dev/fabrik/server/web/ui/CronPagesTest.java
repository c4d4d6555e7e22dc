package dev.fabrik.server.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.FabrikServer;
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
import tools.jackson.databind.node.ObjectNode;

class CronPagesTest {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  private PageClient pages;
  private FabrikServer server;

  @BeforeEach
  void start() {
    server = TestServers.start(TestServers.config().webPort(0).build());
    pages = new PageClient(server.webPort());
    server
        .cron()
        .add(
            (ObjectNode)
                JobCodec.MAPPER.readTree(
                    "{\"name\":\"report\",\"schedule\":\"0 9 * * 1-5\","
                        + "\"timezone\":\"Europe/Berlin\","
                        + "\"job\":{\"type\":\"<script>alert(1)</script>\",\"queue\":\"r\"}}"));
  }

  @AfterEach
  void stop() {
    pages.close();
    server.stop(Duration.ofSeconds(5));
  }

  @Test
  void listsEntriesEscapedWithTheirScheduleInWords() throws Exception {
    HttpResponse<String> page = pages.get("/cron");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValue(Pages.CONTENT_SECURITY_POLICY);
    assertThat(page.body())
        .contains("data-cron=\"report\"")
        .contains("at 09:00 every day between Monday and Friday (Europe/Berlin)")
        .contains("&lt;script&gt;")
        .doesNotContain("<script>alert(1)</script>")
        .contains("never");
  }

  @Test
  void pauseAndRunNeedTheCsrfTokenAndRedirectBackWithAFlash() throws Exception {
    assertThat(pages.post("/cron/report/pause", "").statusCode()).isEqualTo(403);

    Matcher m = CSRF.matcher(pages.get("/cron").body());
    assertThat(m.find()).isTrue();
    String token = URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
    HttpResponse<String> paused = pages.post("/cron/report/pause", "csrf=" + token);
    assertThat(paused.statusCode()).isEqualTo(303);
    assertThat(paused.headers().firstValue("Location")).hasValue("/cron");
    assertThat(server.cron().view("report").orElseThrow().state().paused()).isTrue();

    HttpResponse<String> ran = pages.post("/cron/report/run", "csrf=" + token);
    assertThat(ran.statusCode()).isEqualTo(303);
    assertThat(server.cron().view("report").orElseThrow().state().lastJid()).isNotNull();

    HttpResponse<String> unknown = pages.post("/cron/nope/run", "csrf=" + token);
    assertThat(unknown.statusCode()).isEqualTo(303);
    assertThat(unknown.headers().allValues("Set-Cookie").toString()).contains("No+cron+entry");
  }
}
