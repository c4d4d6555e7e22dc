package dev.fabrik.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.embedded.EmbeddedFabrik;
import dev.fabrik.embedded.EmbeddedOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension registered with options in a static field. */
class RegisteredExtensionTest {
  @RegisterExtension
  static final FabrikServerExtension fabrik =
      FabrikServerExtension.with(EmbeddedOptions.builder().password("pw").withoutWeb().build());

  @Test
  void theFieldGivesTheServerStartedWithTheOptions() {
    EmbeddedFabrik server = fabrik.server();
    assertThat(server.options().password()).isEqualTo("pw");
    assertThatThrownBy(server::webUrl).isInstanceOf(IllegalStateException.class);
    try (Client client = server.connect()) {
      client.push(Jobs.of("Ping"));
      assertThat(client.info().queueSize("default")).isEqualTo(1);
    }
  }

  @Test
  void aFabrikUrlParameterCarriesThePassword(@FabrikUrl String url) {
    assertThat(url).isEqualTo("tcp://:pw@127.0.0.1:" + fabrik.server().port());
    try (Client client = Client.connect(ClientConfig.builder().url(url).build())) {
      assertThat(client.info().description()).isNotBlank();
    }
  }

  @Test
  void awaitIdleSaysWhatIsLeftWhenItTimesOut() {
    try (Client client = fabrik.server().connect()) {
      client.push(Jobs.builder("Never").queue("stuck").build());
    }
    assertThatThrownBy(() -> fabrik.server().awaitIdle(Duration.ofMillis(50), "stuck"))
        .hasMessageContaining("not idle after PT0.05S: [stuck=1");
  }
}
