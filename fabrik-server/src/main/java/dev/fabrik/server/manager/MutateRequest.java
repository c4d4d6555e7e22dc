package dev.fabrik.server.manager;

import java.util.List;

/**
 * A MUTATE: {@code {"cmd":"kill","target":"retries","filter":{"jobtype":"X","regexp":"*a*",
 * "jids":["..."]}}}. Raw strings; the manager validates {@code cmd} and {@code target}.
 *
 * @param filter null when the request had no {@code filter} key
 */
public record MutateRequest(String cmd, String target, Filter filter) {

  /** Every field optional; non-empty {@code jids} override the rest. */
  public record Filter(List<String> jids, String regexp, String jobtype) {}
}
