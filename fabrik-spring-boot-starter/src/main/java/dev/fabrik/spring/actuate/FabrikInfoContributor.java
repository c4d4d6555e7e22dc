package dev.fabrik.spring.actuate;

import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.worker.HandlerRegistry;
import dev.fabrik.client.worker.WorkerManager;
import dev.fabrik.spring.FabrikProperties;
import dev.fabrik.spring.WorkerStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * The {@code fabrik} section of {@code /actuator/info}: where the client connects (never the
 * password) and, with a worker, its id, state, concurrency, queues and job types.
 *
 * <pre>
 * "fabrik":{"server":"tcp://jobs:7419 (password set)",
 *           "worker":{"wid":"4f1c…","state":"running","concurrency":20,
 *                     "queues":["critical","default"],"jobtypes":["SendEmail"]}}
 * </pre>
 */
public final class FabrikInfoContributor implements InfoContributor {
  private final ClientConfig config;
  private final FabrikProperties properties;
  private final WorkerManager worker; // null in producer-only applications
  private final WorkerStatus status;
  private final HandlerRegistry handlers;

  public FabrikInfoContributor(
      ClientConfig config,
      FabrikProperties properties,
      WorkerManager worker,
      WorkerStatus status,
      HandlerRegistry handlers) {
    this.config = config;
    this.properties = properties;
    this.worker = worker;
    this.status = status;
    this.handlers = handlers;
  }

  @Override
  public void contribute(Info.Builder builder) {
    Map<String, Object> fabrik = new LinkedHashMap<>();
    fabrik.put("server", server());
    if (worker != null) {
      Map<String, Object> w = new LinkedHashMap<>();
      w.put("wid", worker.wid());
      if (status != null) {
        w.put("state", status.state().name().toLowerCase(Locale.ROOT));
      }
      w.put("concurrency", properties.getWorker().getConcurrency());
      w.put("queues", properties.getWorker().toQueues().names());
      w.put("jobtypes", handlers == null ? List.of() : List.copyOf(handlers.jobtypes()));
      fabrik.put("worker", w);
    }
    builder.withDetail("fabrik", fabrik);
  }

  /** tcp://host:port, as ClientConfig prints itself: the password only as "(password set)". */
  private String server() {
    String printed = config.toString(); // ClientConfig[tcp://host:port (password set)]
    int open = printed.indexOf('[');
    int close = printed.lastIndexOf(']');
    return open >= 0 && close > open ? printed.substring(open + 1, close) : printed;
  }
}
