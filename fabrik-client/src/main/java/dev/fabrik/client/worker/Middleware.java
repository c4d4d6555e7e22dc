package dev.fabrik.client.worker;

/**
 * Runs around every job, outermost first in registration order: {@code (ctx, next) -> { before;
 * next.proceed(); after; }}. Not calling {@code next.proceed()} skips the job (it is ACKed);
 * throwing FAILs it.
 */
@FunctionalInterface
public interface Middleware {
  void around(JobContext ctx, Next next) throws Exception;

  /** The rest of the chain: the next middleware, then the handler. */
  @FunctionalInterface
  interface Next {
    void proceed() throws Exception;
  }
}
