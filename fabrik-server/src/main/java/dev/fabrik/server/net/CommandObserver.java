package dev.fabrik.server.net;

/**
 * Told how long each command took, from its line being read to its reply being handed to the socket
 * writer (for FETCH this includes the wait for a job). Called on the connection's thread once per
 * command, so it must be cheap and must not block.
 */
@FunctionalInterface
public interface CommandObserver {

  /** The verb reported for every line whose verb the server does not know. */
  String UNKNOWN_VERB = "unknown";

  /** Observes nothing. */
  CommandObserver NONE = (verb, nanos) -> {};

  /**
   * @param verb a verb of the command table ({@code PUSH}, {@code FETCH}, ...) or {@link
   *     #UNKNOWN_VERB}, so a client sending garbage cannot create new label values
   */
  void completed(String verb, long nanos);
}
