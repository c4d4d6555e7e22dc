package dev.fabrik.server.web;

import java.io.IOException;

/**
 * Serves one route. It reads what it needs from {@link Requests} (path segments, query, body),
 * calls the console facade and answers once; it may throw {@link HttpError} for a 4xx instead.
 */
@FunctionalInterface
public interface Handler {
  void handle(Requests request) throws IOException;
}
