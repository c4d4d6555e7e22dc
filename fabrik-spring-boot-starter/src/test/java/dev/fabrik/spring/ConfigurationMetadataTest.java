package dev.fabrik.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** IDEs complete and document fabrik.* from the metadata the configuration processor writes. */
class ConfigurationMetadataTest {
  @Test
  void everyPropertyIsDescribedWithItsDefault() throws Exception {
    Map<String, JsonNode> byName = new HashMap<>();
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("metadata generated at compile time").isNotNull();
      for (JsonNode p : JobCodec.MAPPER.readTree(in).get("properties")) {
        byName.put(p.get("name").asString(), p);
      }
    }

    assertThat(byName)
        .containsKeys(
            "fabrik.enabled",
            "fabrik.url",
            "fabrik.password",
            "fabrik.pool.size",
            "fabrik.worker.enabled",
            "fabrik.worker.queues",
            "fabrik.worker.weights",
            "fabrik.worker.concurrency",
            "fabrik.worker.shutdown-grace",
            "fabrik.worker.auto-startup",
            "management.health.fabrik.enabled",
            "management.info.fabrik.enabled");
    assertThat(byName.values())
        .allSatisfy(p -> assertThat(p.path("description").asString("")).isNotBlank());
    assertThat(byName.get("fabrik.worker.concurrency").get("defaultValue").asInt()).isEqualTo(20);
    assertThat(byName.get("fabrik.worker.shutdown-grace").get("defaultValue").asString())
        .isEqualTo("25s");
  }
}
