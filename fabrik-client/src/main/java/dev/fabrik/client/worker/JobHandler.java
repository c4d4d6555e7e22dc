package dev.fabrik.client.worker;

import java.util.List;

/**
 * Performs one job type with its arguments as plain Java values ({@code String}, {@code Integer},
 * {@code Long}, {@code BigInteger}, {@code BigDecimal}, {@code Boolean}, {@code List}, {@code Map},
 * null). Returning normally ACKs the job; throwing FAILs it (so the server retries it).
 */
@FunctionalInterface
public interface JobHandler {
  void perform(JobContext ctx, List<Object> args) throws Exception;
}
