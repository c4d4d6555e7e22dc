package dev.fabrik.client;

import dev.fabrik.protocol.Job;

/**
 * Entry points for building jobs to push.
 *
 * <pre>{@code
 * client.push(Jobs.of("SendEmail", 42, "welcome"));
 * client.push(Jobs.builder("Report").args("daily").queue("low").in(Duration.ofMinutes(5)).build());
 * }</pre>
 */
public final class Jobs {
  private Jobs() {}

  /** A job of {@code type} with {@code args} on the default queue and a fresh jid. */
  public static Job of(String type, Object... args) {
    return builder(type).args(args).build();
  }

  /** A builder for a job of {@code type} (no args yet: {@code []}). */
  public static JobBuilder builder(String type) {
    return new JobBuilder(type);
  }
}
