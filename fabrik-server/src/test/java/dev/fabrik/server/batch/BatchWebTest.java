package dev.fabrik.server.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The batch gauges and the callback counter in {@code /metrics}, {@code /api/batches} and the
 * Batches pages.
 */
class BatchWebTest {

  @Test
  void metricsShowBatchesByStateAndCallbacksPushed() throws Exception {
    try (FabrikServer server = TestServers.start(TestServers.config().webPort(0).build());
        RawClient c = RawClient.producer(server.port())) {
      String cb = "{\"complete\":{\"jobtype\":\"Done\"}}";
      String open = c.call("BATCH NEW " + cb).strip().substring(1);
      String done = c.call("BATCH NEW " + cb).strip().substring(1);
      String running = c.call("BATCH NEW " + cb).strip().substring(1);
      c.call(
          "PUSH {\"jid\":\"member-1\",\"jobtype\":\"W\",\"args\":[],\"custom\":{\"bid\":\""
              + running
              + "\"}}");
      c.call("BATCH COMMIT " + running);
      c.call("BATCH COMMIT " + done);
      assertThat(c.bulk("BATCH STATUS " + done)).contains("\"complete_st\":\"1\"");
      assertThat(open).startsWith("b-");

      String metrics = get(server, "/metrics").body();
      // The done batch waits for its callback's ACK, so it still counts as committed.
      assertThat(metrics)
          .contains("fabrik_batches{state=\"open\"} 1.0")
          .contains("fabrik_batches{state=\"committed\"} 2.0")
          .contains("fabrik_batches{state=\"completed\"} 0.0")
          .contains("fabrik_batch_callbacks_total 1.0");

      JsonNode list = JobCodec.MAPPER.readTree(get(server, "/api/batches").body());
      assertThat(list.path("batches")).hasSize(3);
      JsonNode detail = JobCodec.MAPPER.readTree(get(server, "/api/batches/" + running).body());
      assertThat(detail.path("state").asString()).isEqualTo("committed");
      assertThat(detail.path("total").asLong()).isEqualTo(1);
      assertThat(detail.path("pending_jids").get(0).asString()).isEqualTo("member-1");
      assertThat(get(server, "/api/batches/b-nope").statusCode()).isEqualTo(404);

      assertThat(get(server, "/batches").body())
          .contains("href=\"/batches/" + running + "\"", "0 / 1", "/batches\"");
      assertThat(get(server, "/batches/" + running).body())
          .contains("<li>member-1</li>", "id=\"state\">committed");
      assertThat(get(server, "/batches/b-nope").statusCode()).isEqualTo(404);
    }
  }

  private static HttpResponse<String> get(FabrikServer server, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webPort() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
