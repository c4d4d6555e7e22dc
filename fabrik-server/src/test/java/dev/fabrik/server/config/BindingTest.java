package dev.fabrik.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BindingTest {

  @Test
  void parsesHostAndPort() {
    assertThat(Binding.parse("127.0.0.1:7419", "--bind")).isEqualTo(new Binding("127.0.0.1", 7419));
    assertThat(Binding.parse("localhost:0", "--bind")).isEqualTo(new Binding("localhost", 0));
  }

  @Test
  void colonPortMeansAllInterfaces() {
    assertThat(Binding.parse(":7420", "--web-bind"))
        .isEqualTo(new Binding(Binding.ALL_INTERFACES, 7420));
  }

  @Test
  void bracketedIpv6() {
    Binding b = Binding.parse("[::1]:7419", "--bind");
    assertThat(b).isEqualTo(new Binding("::1", 7419));
    assertThat(b).hasToString("[::1]:7419");
    assertThat(b.isLoopback()).isTrue();
  }

  @Test
  void rejectsMalformedText() {
    assertThatThrownBy(() -> Binding.parse("7419", "--bind"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--bind must be host:port or :port");
    assertThatThrownBy(() -> Binding.parse("host:http", "--bind"))
        .hasMessageContaining("no valid port");
    assertThatThrownBy(() -> Binding.parse("host:70000", "--bind"))
        .hasMessageContaining("0..65535");
  }

  @Test
  void tellsLoopbackFromReachable() {
    assertThat(new Binding("127.0.0.1", 1).isLoopback()).isTrue();
    assertThat(new Binding("localhost", 1).isLoopback()).isTrue();
    assertThat(new Binding("0.0.0.0", 1).isLoopback()).isFalse();
    assertThat(new Binding("10.1.2.3", 1).isLoopback()).isFalse();
  }
}
