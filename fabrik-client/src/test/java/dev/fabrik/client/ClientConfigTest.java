package dev.fabrik.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientConfigTest {

  @Test
  void emptyEnvironmentMeansLocalhostDefaultPort() {
    ClientConfig c = ClientConfig.fromEnvironment(Map.of());
    assertThat(c.host()).isEqualTo("localhost");
    assertThat(c.port()).isEqualTo(7419);
    assertThat(c.password()).isNull();
    assertThat(c.sslSocketFactory()).isNull();
  }

  @Test
  void faktoryUrlWithPassword() {
    ClientConfig c = ClientConfig.fromEnvironment(Map.of("FAKTORY_URL", "tcp://:s3cret@jobs:7500"));
    assertThat(c.host()).isEqualTo("jobs");
    assertThat(c.port()).isEqualTo(7500);
    assertThat(c.password()).isEqualTo("s3cret");
    assertThat(c.toString()).doesNotContain("s3cret");
  }

  @Test
  void missingPortDefaults() {
    ClientConfig c = ClientConfig.fromEnvironment(Map.of("FAKTORY_URL", "tcp://jobs.internal"));
    assertThat(c.host()).isEqualTo("jobs.internal");
    assertThat(c.port()).isEqualTo(7419);
  }

  @Test
  void tlsSchemeUsesDefaultSocketFactory() {
    ClientConfig c = ClientConfig.fromEnvironment(Map.of("FAKTORY_URL", "tcp+tls://:pw@jobs:7419"));
    assertThat(c.sslSocketFactory()).isNotNull();
    assertThat(c.password()).isEqualTo("pw");
    assertThat(c.toConnectionOptions().sslSocketFactory()).isSameAs(c.sslSocketFactory());
  }

  @Test
  void providerNamesTheVariable() {
    ClientConfig c =
        ClientConfig.fromEnvironment(
            Map.of(
                "FAKTORY_PROVIDER", "MY_FAKTORY",
                "MY_FAKTORY", "tcp://other:1234",
                "FAKTORY_URL", "tcp://ignored:1"));
    assertThat(c.host()).isEqualTo("other");
    assertThat(c.port()).isEqualTo(1234);
  }

  @Test
  void providerPointingAtMissingVariableMeansDefault() {
    ClientConfig c = ClientConfig.fromEnvironment(Map.of("FAKTORY_PROVIDER", "NOPE"));
    assertThat(c.host()).isEqualTo("localhost");
  }

  @Test
  void providerHoldingAUrlIsRejected() {
    assertThatThrownBy(
            () -> ClientConfig.fromEnvironment(Map.of("FAKTORY_PROVIDER", "tcp://:pw@host:7419")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FAKTORY_PROVIDER")
        .hasMessageNotContaining("pw");
  }

  @Test
  void otherSchemesAreRejectedWithoutLeakingThePassword() {
    assertThatThrownBy(
            () -> ClientConfig.fromEnvironment(Map.of("FAKTORY_URL", "redis://:pw@host:6379")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tcp://")
        .hasMessageNotContaining("pw@");
  }

  @Test
  void builderCarriesTimeoutsAndWorkerIdentity() {
    ClientConfig c =
        ClientConfig.builder()
            .url("tcp://h:1")
            .connectTimeout(Duration.ofSeconds(1))
            .readTimeout(Duration.ofSeconds(3))
            .wid("w1")
            .labels(List.of("java"))
            .hostname("box")
            .build();
    var opts = c.toConnectionOptions();
    assertThat(opts.host()).isEqualTo("h");
    assertThat(opts.port()).isEqualTo(1);
    assertThat(opts.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(opts.readTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(opts.wid()).isEqualTo("w1");
    assertThat(opts.labels()).containsExactly("java");
    assertThat(opts.hostname()).isEqualTo("box");
    assertThat(c.withWid("w2").wid()).isEqualTo("w2");
    assertThat(c.withWid("w2").host()).isEqualTo("h");
  }
}
