package dev.fabrik.server.metrics;

import dev.fabrik.server.auth.LoginThrottle;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Failed password attempts by port, as the login throttle reports them:
 *
 * <pre>
 * fabrik_auth_failures_total{port="command",reason="password"} 12.0
 * fabrik_auth_failures_total{port="web",reason="throttled"} 3.0
 * </pre>
 *
 * {@code password}: the password was checked and wrong; {@code throttled}: the source was over its
 * budget and the attempt was refused unchecked. Every series exists from the start at 0, so an
 * alert on {@code increase(...)} works from the first failure.
 */
final class AuthFailures implements LoginThrottle.Observer {
  private final Counter failures;

  AuthFailures(PrometheusRegistry registry) {
    failures =
        Counter.builder()
            .name("fabrik_auth_failures_total")
            .help(
                "Failed password attempts since the server started, by port (command or web);"
                    + " reason is password (checked, wrong) or throttled (refused unchecked, the"
                    + " source was over its budget)")
            .labelNames("port", "reason")
            .withoutExemplars()
            .build();
    registry.register(failures);
    for (LoginThrottle.Port port : LoginThrottle.Port.values()) {
      failures.initLabelValues(port.label(), "password");
      failures.initLabelValues(port.label(), "throttled");
    }
  }

  @Override
  public void failed(LoginThrottle.Port port, boolean refused) {
    failures.labelValues(port.label(), refused ? "throttled" : "password").inc();
  }
}
