package dev.fabrik.client;

import java.time.Duration;

/** {@link ClientPool#borrow()} waited its whole timeout and every connection stayed in use. */
public class PoolTimeoutException extends FabrikException {
  public PoolTimeoutException(int maxSize, Duration waited) {
    super(
        "no connection available: all "
            + maxSize
            + " pooled connections stayed in use for "
            + waited.toMillis()
            + " ms");
  }
}
