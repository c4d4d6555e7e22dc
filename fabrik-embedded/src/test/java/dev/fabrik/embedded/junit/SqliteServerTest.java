package dev.fabrik.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.client.Client;
import dev.fabrik.client.Jobs;
import dev.fabrik.embedded.EmbeddedFabrik;
import dev.fabrik.embedded.EmbeddedOptions;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

@FabrikServerTest(storage = EmbeddedOptions.Storage.SQLITE, password = "sqlite-pw", web = false)
class SqliteServerTest {

  @Test
  void theAnnotationsOptionsAreApplied(EmbeddedFabrik fabrik) {
    EmbeddedOptions options = fabrik.options();
    assertThat(options.storage()).isEqualTo(EmbeddedOptions.Storage.SQLITE);
    assertThat(options.password()).isEqualTo("sqlite-pw");
    assertThat(options.web()).isFalse();
    assertThat(Files.isDirectory(options.dataDir())).isTrue();
    try (Client client = fabrik.connect()) {
      client.push(Jobs.of("Stored"));
      assertThat(client.info().queueSize("default")).isEqualTo(1);
    }
    assertThat(options.dataDir()).isNotEmptyDirectory();
  }
}
