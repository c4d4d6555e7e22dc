package dev.fabrik.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The typed part of an INFO reply, plus the whole document in {@link #raw()} for anything else.
 *
 * <pre>
 * {"now":"...","server_utc_time":"...",
 *  "faktory":{"queues":{"default":3},"sets":{"dead":0,"retries":1,"scheduled":2,"working":1},
 *             "total_failures":5,"total_processed":120,"total_enqueued":3,"total_queues":1,...},
 *  "server":{"description":"Faktory","faktory_version":"1.10.0","uptime":3600,"connections":4,...}}
 * </pre>
 *
 * @param queues every registered queue → its length, in server order
 * @param sets {@code scheduled}, {@code retries}, {@code dead}, {@code working} → size
 * @param totalProcessed jobs acknowledged since the last flush
 * @param totalFailures failures since the last flush
 * @param totalEnqueued jobs currently in queues
 * @param totalQueues number of registered queues
 * @param description server product name
 * @param version server version string
 * @param uptimeSeconds seconds since the server started
 * @param connections currently handshaken connections
 * @param raw the whole INFO document
 */
public record ServerInfo(
    Map<String, Long> queues,
    Map<String, Long> sets,
    long totalProcessed,
    long totalFailures,
    long totalEnqueued,
    long totalQueues,
    String description,
    String version,
    long uptimeSeconds,
    long connections,
    JsonNode raw) {

  public ServerInfo {
    queues = Collections.unmodifiableMap(new LinkedHashMap<>(queues));
    sets = Collections.unmodifiableMap(new LinkedHashMap<>(sets));
  }

  /** Size of the retry set. */
  public long retries() {
    return sets.getOrDefault("retries", 0L);
  }

  /** Size of the scheduled set. */
  public long scheduled() {
    return sets.getOrDefault("scheduled", 0L);
  }

  /** Size of the dead set. */
  public long dead() {
    return sets.getOrDefault("dead", 0L);
  }

  /** Jobs fetched and not yet acknowledged or failed. */
  public long working() {
    return sets.getOrDefault("working", 0L);
  }

  /** Length of {@code queue}; 0 when the server does not list it. */
  public long queueSize(String queue) {
    return queues.getOrDefault(queue, 0L);
  }

  /**
   * Reads an INFO document.
   *
   * @throws ProtocolViolationException it lacks the {@code faktory} or {@code server} object
   */
  public static ServerInfo from(JsonNode root) {
    JsonNode faktory = root.get("faktory");
    JsonNode server = root.get("server");
    if (faktory == null || !faktory.isObject() || server == null || !server.isObject()) {
      throw new ProtocolViolationException(
          "INFO reply lacks the \"faktory\" and \"server\" objects");
    }
    return new ServerInfo(
        counts(faktory.path("queues")),
        counts(faktory.path("sets")),
        faktory.path("total_processed").asLong(0),
        faktory.path("total_failures").asLong(0),
        faktory.path("total_enqueued").asLong(0),
        faktory.path("total_queues").asLong(0),
        server.path("description").asString(""),
        server.path("faktory_version").asString(""),
        server.path("uptime").asLong(0),
        server.path("connections").asLong(0),
        root);
  }

  private static Map<String, Long> counts(JsonNode object) {
    Map<String, Long> out = new LinkedHashMap<>();
    if (object.isObject()) {
      // Go tolerates null queue sizes; so do we (as 0).
      object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asLong(0)));
    }
    return out;
  }
}
