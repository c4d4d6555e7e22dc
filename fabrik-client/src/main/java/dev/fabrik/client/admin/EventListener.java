package dev.fabrik.client.admin;

/** Receives a subscription's events, in order, on the subscription's own thread. */
public interface EventListener {
  void onEvent(JobEvent event);

  /**
   * The stream ended: {@code reason} is the server's (it dropped a reader that fell behind), a
   * failure's message, or null after {@link EventSubscription#close()}.
   */
  default void onClosed(String reason) {}
}
