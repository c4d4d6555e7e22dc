package dev.fabrik.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostAllowlistTest {
  private final HostAllowlist loopback = HostAllowlist.of("127.0.0.1", List.of());

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost:7420",
        "LOCALHOST:7420",
        "localhost",
        "127.0.0.1:7420",
        "127.0.0.1",
        "[::1]:7420",
        "[::1]",
        "10.0.0.5:7420",
        "[2001:db8::1]:80"
      })
  void loopbackNamesAndAddressesAreAllowed(String host) {
    assertThat(loopback.allows(host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "evil.example:7420",
        "evil.example",
        "127.0.0.1.nip.io:7420",
        "localhost.evil.example:7420",
        "localhost.:7420",
        "0x7f.1:7420",
        "2130706433:7420",
        "127.0.0.256:7420",
        "[evil]:7420",
        "localhost:7420:evil",
        ""
      })
  void namesAnAttackerCouldResolveAreRefused(String host) {
    assertThat(loopback.allows(host)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"fabrik.internal:7420", "fabrik.internal", "proxy.example.com"})
  void theBindingsNameAndConfiguredNamesAreAllowed(String host) {
    HostAllowlist list =
        HostAllowlist.of("fabrik.internal", List.of("proxy.example.com", "ops.example.com:443"));
    assertThat(list.allows(host)).isTrue();
    assertThat(list.allows("evil.example")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"evil.example:7420", "anything"})
  void aStarAllowsEveryName(String host) {
    assertThat(HostAllowlist.of("127.0.0.1", List.of("*")).allows(host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"[::1]:7420", "::1"})
  void anIpv6BindingIsNormalised(String host) {
    assertThat(HostAllowlist.name(host)).isEqualTo("[::1]");
  }
}
