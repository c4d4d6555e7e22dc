package dev.fabrik.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The queue listings show each job's priority and list the jobs in fetch order. */
class QueuePriorityApiTest {
  private final ApiServer api = new ApiServer();

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void aQueuePageListsInFetchOrderWithPriorities() {
    api.push("jobid-low", "Mail", "default", ",\"priority\":2");
    api.push("jobid-plain", "Mail", "default", "");
    api.push("jobid-top", "Mail", "default", ",\"priority\":9");

    JsonNode page = api.get("/api/queues/default/jobs?cursor=0").json();
    List<String> rows = new ArrayList<>();
    for (JsonNode j : page.get("jobs")) {
      rows.add(j.get("jid").asString() + "@" + j.get("priority").asInt());
    }
    assertThat(rows).containsExactly("jobid-top@9", "jobid-plain@5", "jobid-low@2");

    JsonNode one = api.get("/api/queues/default/jobs/2?jid=jobid-low").json();
    assertThat(one.get("job").get("priority").asInt()).isEqualTo(2);

    String html = api.get("/queues/default").body();
    assertThat(html).contains("<th class=\"num\">Priority</th>");
    assertThat(html.indexOf("jobid-top")).isLessThan(html.indexOf("jobid-plain"));
    assertThat(html).contains("<td class=\"num priority\">9</td>");
  }
}
