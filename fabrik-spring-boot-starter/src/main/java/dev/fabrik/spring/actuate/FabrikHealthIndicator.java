package dev.fabrik.spring.actuate;

import dev.fabrik.client.ClientPool;
import dev.fabrik.client.ServerInfo;
import dev.fabrik.client.worker.WorkerManager;
import dev.fabrik.spring.WorkerStatus;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code /actuator/health/fabrik}: UP when an INFO on a pooled connection answers; DOWN when it
 * does not; OUT_OF_SERVICE when the server is up but this application's worker stopped while the
 * application runs (someone pressed "terminate" in the web UI). A quiet worker is UP: quiet is the
 * normal step before a deploy.
 *
 * <pre>
 * {"status":"UP","details":{"server":"Fabrik 0.1.0","worker":"running","wid":"4f1c…","inFlight":3}}
 * </pre>
 */
public final class FabrikHealthIndicator extends AbstractHealthIndicator {
  private final ClientPool pool;
  private final WorkerManager worker; // null in producer-only applications
  private final WorkerStatus status;

  public FabrikHealthIndicator(ClientPool pool, WorkerManager worker, WorkerStatus status) {
    super("Fabrik server not reachable");
    this.pool = pool;
    this.worker = worker;
    this.status = status;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    ServerInfo info = pool.withClient(c -> c.info());
    builder.up().withDetail("server", info.description() + " " + info.version());
    if (worker == null || status == null) {
      return;
    }
    WorkerStatus.State state = status.state();
    builder
        .withDetail("worker", state.name().toLowerCase(java.util.Locale.ROOT))
        .withDetail("wid", worker.wid())
        .withDetail("inFlight", worker.inFlight());
    if (state == WorkerStatus.State.STOPPED) {
      builder.outOfService();
    }
  }
}
