package dev.fabrik.server.lifecycle;

import java.time.Duration;

/**
 * The one lifecycle every background part of the server follows: {@link #start()} returns once the
 * service is running; {@link #stop(Duration)} is synchronous, idempotent, and safe before start.
 * The server starts its services in order and stops them in reverse.
 */
public interface Service {
  void start();

  void stop(Duration timeout);
}
