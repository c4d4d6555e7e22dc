package dev.fabrik.client.testing;

/**
 * What {@link InlineRunner#drain} did.
 *
 * @param performed jobs fetched and performed
 * @param failed of those, jobs that were FAILed
 */
public record DrainResult(int performed, int failed) {
  /** Jobs that were ACKed. */
  public int succeeded() {
    return performed - failed;
  }
}
